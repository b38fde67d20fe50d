/* The ELF checks (proc/elf.c): a sound image passes, and each kind of
 * malformation gets -ENOEXEC (-EIO for an interpreter name past the end). */
#include <pagoda/elf.h>
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include <pagoda/string.h>

#define USER_MIN 0x10000u
#define USER_END 0xC0000000u
#define IMAGE_SIZE 0x3000u

struct image {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];
	uint8_t rest[IMAGE_SIZE - sizeof(Elf32_Ehdr) - 3 * sizeof(Elf32_Phdr)];
};

/* Text at 0x08048000 (file 0..0x1000, with the headers), data at
 * 0x0804a000 (file 0x1000..0x1800, 0x3000 in memory: bss after). */
static void make_image(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, 4);
	im->eh.e_ident[4] = ELFCLASS32;
	im->eh.e_ident[5] = ELFDATA2LSB;
	im->eh.e_ident[6] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_386;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = 0x08048100;
	im->eh.e_phoff = sizeof(Elf32_Ehdr);
	im->eh.e_phentsize = sizeof(Elf32_Phdr);
	im->eh.e_phnum = 2;
	im->ph[0] = (Elf32_Phdr){ PT_LOAD, 0, 0x08048000, 0, 0x1000, 0x1000, PF_R | PF_X, 0x1000 };
	im->ph[1] = (Elf32_Phdr){ PT_LOAD, 0x1000, 0x0804a000, 0, 0x800, 0x3000, PF_R | PF_W, 0x1000 };
}

static int check(struct image *im)
{
	struct elf_info info;

	return elf_check((const uint8_t *)im, sizeof(*im), sizeof(*im), USER_MIN, USER_END, &info);
}

KTEST(elf_accepts_a_sound_image)
{
	struct image im;
	struct elf_info info;

	make_image(&im);
	KT_ASSERT_EQ(elf_check((const uint8_t *)&im, sizeof(im), sizeof(im), USER_MIN, USER_END, &info), 0);
	KT_ASSERT_EQ(info.entry, 0x08048100u);
	KT_ASSERT_EQ(info.phnum, 2u);
	KT_ASSERT_EQ(info.brk, 0x0804d000u);            /* data's end, page aligned */
	KT_ASSERT_EQ(info.phdr_vaddr, 0x08048000u + sizeof(Elf32_Ehdr));
}

KTEST(elf_rejects_bad_headers)
{
	struct image im;

	make_image(&im);
	im.eh.e_ident[0] = 0;
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_ident[4] = 2;                           /* 64-bit */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_type = 3;                               /* ET_DYN */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_machine = 62;                           /* x86-64 */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_phoff = IMAGE_SIZE - 8;                 /* headers past the end */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_phoff = 0xFFFFFFF0u;                    /* wraps */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_phentsize = 20;
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_phnum = ELF_MAX_PHDRS + 1;              /* more than a page of them */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.eh.e_phnum = 0;
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
}

/* A PT_INTERP ends the check: its path, sound, is all the caller gets. */
KTEST(elf_finds_the_interpreter)
{
	struct image im;
	struct elf_info info;
	static const char path[] = "/lib/ld-linux.so.2";

	make_image(&im);
	im.eh.e_phnum = 3;
	im.ph[2] = (Elf32_Phdr){ PT_INTERP, 0x2000, 0, 0, sizeof(path), sizeof(path), PF_R, 1 };
	memcpy((uint8_t *)&im + 0x2000, path, sizeof(path));
	KT_ASSERT_EQ(elf_check((const uint8_t *)&im, sizeof(im), sizeof(im), USER_MIN, USER_END, &info), 0);
	KT_ASSERT(info.interp && strcmp(info.interp, path) == 0);
	KT_ASSERT_EQ(info.phnum, 0u);
	im.ph[2].p_filesz = sizeof(path) - 1;           /* no NUL */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	im.ph[2].p_filesz = 1;                          /* too short to be a path */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	im.ph[2].p_filesz = sizeof(path);
	im.ph[2].p_offset = IMAGE_SIZE - 4;             /* past the end: short read */
	KT_ASSERT_EQ(check(&im), -EIO);
}

KTEST(elf_rejects_bad_segments)
{
	struct image im;

	make_image(&im);
	im.ph[1].p_filesz = 0x4000;                     /* filesz > memsz */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_offset = IMAGE_SIZE;                 /* bytes outside the file */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_offset = 0xFFFFF000u;                /* offset + filesz wraps */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_vaddr = 0x0804a010;                  /* address and offset disagree mod 4K */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_vaddr = 0x08048000;                  /* overlaps the text */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_vaddr = 0xBFFFF000;                  /* runs into the kernel half */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[1].p_vaddr = 0xFFFFF000;                  /* vaddr + memsz wraps */
	im.ph[1].p_memsz = 0x2000;
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[0].p_vaddr = 0;                           /* page 0 is never mapped */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
	make_image(&im);
	im.ph[0].p_type = im.ph[1].p_type = 4;          /* no PT_LOAD at all */
	KT_ASSERT_EQ(check(&im), -ENOEXEC);
}
