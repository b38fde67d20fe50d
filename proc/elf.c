/*
 * Checking an ELF executable before it is mapped. Everything the loader
 * later trusts is verified here, with arithmetic that cannot wrap: a
 * malformed file gets -ENOEXEC and no address space is touched.
 *
 * The errors follow Linux's (fs/binfmt_elf.c) where Linux finds the fault
 * before the point of no return: -ENOENT (in exec) for a missing
 * interpreter, -EIO for an interpreter's name past the end of the file.
 * Linux maps the segments after that point, so for a bad segment it
 * kills the process with SIGSEGV instead; Pagoda still says -ENOEXEC and
 * the caller goes on. Pagoda also checks the class, byte order and
 * version bytes, which Linux ignores, and never maps page 0, which Linux
 * does for root.
 */
#include <pagoda/elf.h>
#include <pagoda/errno.h>
#include <pagoda/page.h>
#include <pagoda/string.h>


static bool header_ok(const Elf32_Ehdr *eh)
{
	return memcmp(eh->e_ident, ELFMAG, 4) == 0 &&
	       eh->e_ident[4] == ELFCLASS32 && eh->e_ident[5] == ELFDATA2LSB &&
	       eh->e_ident[6] == EV_CURRENT && eh->e_type == ET_EXEC &&
	       eh->e_machine == EM_386 && eh->e_version == EV_CURRENT &&
	       eh->e_phentsize == sizeof(Elf32_Phdr) &&
	       eh->e_phnum >= 1 && eh->e_phnum <= ELF_MAX_PHDRS;
}

/* Whether the file holds [off, off + len): a read there is not short. */
static bool in_file(uint32_t off, uint32_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* A PT_INTERP: a path of 2 to ELF_INTERP_MAX bytes, its NUL included. */
static int interp_check(const uint8_t *image, size_t head_len, uint64_t size,
			const Elf32_Phdr *ph, struct elf_info *info)
{
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX)
		return -ENOEXEC;
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return -EIO;
	info->has_interp = true;
	info->interp_offset = ph->p_offset;
	info->interp_size = ph->p_filesz;
	if (!in_file(ph->p_offset, ph->p_filesz, head_len))
		return 0;               /* the caller reads it */
	if (image[ph->p_offset + ph->p_filesz - 1] != '\0')
		return -ENOEXEC;
	info->interp = (const char *)image + ph->p_offset;
	return 0;
}

/* One PT_LOAD: its bytes in the file and its pages in [user_min, user_end). */
static bool segment_ok(const Elf32_Phdr *ph, uint64_t size, uint32_t user_min, uint32_t user_end)
{
	if (ph->p_filesz > ph->p_memsz)
		return false;
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return false;
	if ((ph->p_vaddr ^ ph->p_offset) % PAGE_SIZE)
		return false;
	if (ALIGN_DOWN(ph->p_vaddr, (uint32_t)PAGE_SIZE) < user_min || ph->p_vaddr > user_end)
		return false;
	return ph->p_memsz <= user_end - ph->p_vaddr;
}

static uint32_t page_down(uint32_t a) { return ALIGN_DOWN(a, (uint32_t)PAGE_SIZE); }

/* The page-rounded end, computed in 64 bits: vaddr + memsz may reach 4 GiB. */
static uint64_t page_end(const Elf32_Phdr *ph)
{
	return PAGE_UP((uint64_t)ph->p_vaddr + ph->p_memsz);
}

static bool pages_overlap(const Elf32_Phdr *a, const Elf32_Phdr *b)
{
	return page_down(a->p_vaddr) < page_end(b) && page_down(b->p_vaddr) < page_end(a);
}

int elf_check(const uint8_t *image, size_t head_len, uint64_t size, uint32_t user_min,
	      uint32_t user_end, struct elf_info *info)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	const Elf32_Phdr *ph;
	unsigned nload = 0;

	if (head_len < sizeof(*eh) || !header_ok(eh))
		return -ENOEXEC;
	if (!in_file(eh->e_phoff, eh->e_phnum * sizeof(Elf32_Phdr), MIN(size, (uint64_t)head_len)))
		return -ENOEXEC;
	ph = (const Elf32_Phdr *)(image + eh->e_phoff);
	memset(info, 0, sizeof(*info));
	for (unsigned i = 0; i < eh->e_phnum; i++)      /* Linux looks for it first */
		if (ph[i].p_type == PT_INTERP)
			return interp_check(image, head_len, size, &ph[i], info);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			info->phdr_vaddr = ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!segment_ok(&ph[i], size, user_min, user_end))
			return -ENOEXEC;
		for (unsigned j = 0; j < i; j++)
			if (ph[j].p_type == PT_LOAD && pages_overlap(&ph[i], &ph[j]))
				return -ENOEXEC;
		if (page_end(&ph[i]) > info->brk)
			info->brk = (uint32_t)page_end(&ph[i]);
		/* Without PT_PHDR, the headers are found in the segment that holds them. */
		if (!info->phdr_vaddr && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
			info->phdr_vaddr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
		nload++;
	}
	if (nload == 0)
		return -ENOEXEC;
	info->phdrs = ph;
	info->phnum = eh->e_phnum;
	info->entry = eh->e_entry;
	return 0;
}
