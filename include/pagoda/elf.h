/*
 * ELF32 for the x86 (the System V ABI's i386 supplement), and the checks
 * an executable passes before Pagoda maps it (proc/elf.c).
 */
#ifndef PAGODA_ELF_H
#define PAGODA_ELF_H

#include <pagoda/types.h>

#define EI_NIDENT       16
#define ELFMAG          "\177ELF"
#define ELFCLASS32      1
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define ET_CORE         4
#define EM_386          3

#define PT_LOAD         1
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_PHDR         6

#define PF_X            0x1
#define PF_W            0x2
#define PF_R            0x4

typedef struct {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf32_Ehdr;

typedef struct {
	uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} Elf32_Phdr;

/* A note's header, then its name and its description, each padded to 4. */
typedef struct {
	uint32_t n_namesz, n_descsz, n_type;
} Elf32_Nhdr;

#define NT_PRSTATUS     1       /* struct elf_prstatus: the signal, pids, registers */
#define NT_PRPSINFO     3       /* struct elf_prpsinfo: state and name */

#define ELF_MAX_PHDRS   128     /* Linux reads at most one page of them */
#define ELF_INTERP_MAX  4096    /* PATH_MAX */
#define ELF_HEAD_MAX    8192    /* the bytes of a file exec reads to check it */

/* What the loader needs from a checked image. */
struct elf_info {
	const Elf32_Phdr *phdrs;        /* inside the image */
	unsigned phnum;
	uint32_t entry;
	uint32_t phdr_vaddr;            /* where the program headers are mapped, or 0 */
	uint32_t brk;                   /* the end of the highest segment, page aligned */
	const char *interp;             /* PT_INTERP's path (in the head), or NULL */
	bool has_interp;                /* a PT_INTERP: its bytes in the file */
	uint32_t interp_offset, interp_size;
};

/*
 * Check that a file of size bytes, whose first head_len bytes are at head,
 * is an i386 ET_EXEC file whose loadable segments are sound: inside the
 * file, filesz <= memsz, offset and address
 * equal modulo the page size, not overlapping (by page), and between
 * user_min and user_end. 0 with *info set, -ENOEXEC, or -EIO where the
 * interpreter's name lies past the end of the file (Linux's short read,
 * which it reports for this read alone). A dynamically linked file stops the check at its
 * sound PT_INTERP: 0 with only the interp fields set (interp itself only
 * if the name lies in head; the caller reads it from the file otherwise,
 * and checks its NUL). The headers must lie in head (-ENOEXEC otherwise):
 * ELF_HEAD_MAX bytes hold those of every program Pagoda knows of.
 */
int elf_check(const uint8_t *head, size_t head_len, uint64_t size, uint32_t user_min,
	      uint32_t user_end, struct elf_info *info);

#endif /* PAGODA_ELF_H */
