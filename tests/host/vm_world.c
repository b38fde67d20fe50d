/*
 * The VM's simulated machine and model (see vm_world.h).
 *
 * The model knows, for each page of each address space, whether a region
 * covers it and with what protection, whether it is shared or a stack, and
 * what its first and last words hold (a "cell": shared pages of one object
 * point at the same cell in every space; fork copies the cells of private
 * pages). From that alone it predicts what every access does, which the
 * simulated CPU then checks by walking the real page tables.
 */
#include <stdlib.h>
#include <pagoda/errno.h>
#include <pagoda/printf.h>
#include <pagoda/string.h>
#include <arch/mmu.h>
#include "sim_mmu.h"
#include "vm_world.h"


static struct vm_world *W;      /* the env hooks reach the world through this */

/* ---- the machine ---- */

static void sim_invlpg(vaddr_t va)
{
	sim_tlb_invlpg(&W->tlb, va);
}

static void sim_flush(void)
{
	sim_tlb_flush(&W->tlb);
}

static void *w_zalloc(size_t size)
{
	if (W->zalloc_fail_every && ++W->zalloc_calls % W->zalloc_fail_every == 0)
		return NULL;
	return calloc(1, size);
}

static void w_free(void *p)
{
	free(p);
}

static void *frame_mem(struct page *pg)
{
	return world_phys_to_virt(pmm_page_to_pa(&W->pmm.pmm, pg));
}

static void w_zero_frame(struct page *pg)
{
	memset(frame_mem(pg), 0, PAGE_SIZE);
}

static void w_copy_frame(struct page *dst, struct page *src)
{
	memcpy(frame_mem(dst), frame_mem(src), PAGE_SIZE);
}

static void w_fill_frame(struct page *dst, const void *src, size_t n)
{
	memcpy(frame_mem(dst), src, n);
	memset((uint8_t *)frame_mem(dst) + n, 0, PAGE_SIZE - n);
}

static void w_zero_tail(struct page *frame, size_t from)
{
	memset((uint8_t *)frame_mem(frame) + from, 0, PAGE_SIZE - from);
}

static struct pmap_env penv;
static struct vm_env env;

static uint32_t phys_read32(paddr_t pa)
{
	uint32_t v;

	memcpy(&v, world_phys_to_virt(pa), 4);
	return v;
}

/* The MMU's view of va in vs (sim_mmu.c, from the manual). */
static struct sim_xlate walk(const struct vmspace *vs, vaddr_t va)
{
	return sim_walk(vs->pmap.pd_pa, va);
}

static void activate(int si)
{
	if (W->active == si)
		return;
	if (W->active >= 0 && W->space[W->active].live)
		W->space[W->active].vs.pmap.active = false;
	sim_flush();                    /* a CR3 load */
	W->active = si;
	W->space[si].vs.pmap.active = true;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(W->why, sizeof(W->why), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A user-mode access of one word, as the CPU does it: through the TLB or a
 * walk; a fault drops the TLB entry and goes to vm_fault, and a resolved
 * fault retries. Returns 0 (*val read or written), vm_fault's error, or 1
 * if the fault "resolved" but the access still could not be made.
 */
static int cpu_access(int si, vaddr_t va, bool write, uint32_t *val)
{
	struct vmspace *vs = &W->space[si].vs;

	activate(si);
	for (int tries = 0; tries < 3; tries++) {
		struct sim_xlate x = sim_tlb_access(&W->tlb, vs->pmap.pd_pa, va);

		if (x.present && x.user && (!write || x.writable)) {
			uint8_t *mem = world_phys_to_virt(x.pa);

			sim_mark_used(vs->pmap.pd_pa, va, write);
			if (write)
				memcpy(mem, val, 4);
			else
				memcpy(val, mem, 4);
			return 0;
		}
		sim_tlb_invlpg(&W->tlb, va);    /* a page fault drops the entry */
		W->faults++;
		int err = vm_fault(vs, va, write ? VM_PROT_WRITE : VM_PROT_READ);

		if (err)
			return err;
	}
	return 1;
}

/* ---- the model ---- */

static int32_t new_cell(uint32_t w0, uint32_t w1)
{
	if (W->ncells == W->cell_cap) {
		W->cell_cap = W->cell_cap ? 2 * W->cell_cap : 1024;
		W->cells = realloc(W->cells, W->cell_cap * sizeof(*W->cells));
	}
	W->cells[W->ncells] = (struct vmw_cell){ { w0, w1 } };
	return (int32_t)W->ncells++;
}

static uint32_t file_word(int32_t fpage, unsigned word)
{
	uint64_t off = (uint64_t)fpage * PAGE_SIZE + (word ? PAGE_SIZE - 4 : 0);
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++)
		if (off + i < VMW_FILE_SIZE)
			v |= (uint32_t)W->file_data[off + i] << (8 * i);
	return v;
}

/* What a page's word should read. */
static uint32_t model_word(const struct vmw_page *pg, unsigned word)
{
	if (pg->cell >= 0)
		return W->cells[pg->cell].word[word];
	return pg->file_page >= 0 ? file_word(pg->file_page, word) : 0;
}

static uint32_t stack_start(const struct vmw_space *s)
{
	uint32_t p = VMW_PAGES;

	while (p > 0 && s->page[p - 1].stack)
		p--;
	return p;
}

/* What an access to page p should do: 0 or the error vm_fault gives. A
 * stack that must grow for it is grown in the model when grow is set. */
static int model_predict(struct vmw_space *s, uint32_t p, bool write, bool grow)
{
	struct vmw_page *pg = &s->page[p];

	if (!pg->mapped) {
		uint32_t start = stack_start(s);

		if (p >= VMW_OPS_END && p < start && VMW_PAGES - p <= VMW_STACK_MAX) {
			if (!grow)
				return 0;
			for (uint32_t q = p; q < start; q++)
				s->page[q] = (struct vmw_page){ true, false, true, VM_PROT_RW, -1, -1 };
		} else {
			return -EFAULT;
		}
	}
	if (write ? !(pg->prot & VM_PROT_WRITE) : pg->prot == VM_PROT_NONE)
		return -EACCES;
	if (pg->file_page >= 0 && (uint64_t)pg->file_page * PAGE_SIZE >= VMW_FILE_SIZE)
		return -ENXIO;
	return 0;
}

/* Pick a range of pages [*p, *p + *n) below VMW_OPS_END from r. */
static void pick_range(uint32_t r, uint32_t *p, uint32_t *n)
{
	*p = VMW_LO + r % (VMW_OPS_END - VMW_LO);
	*n = 1 + (r >> 16) % 48;
	if (*p + *n > VMW_OPS_END)
		*n = VMW_OPS_END - *p;
}

static vm_prot_t pick_prot(uint32_t r)
{
	static const vm_prot_t prots[] = { VM_PROT_RW, VM_PROT_READ, VM_PROT_NONE,
					   VM_PROT_READ | VM_PROT_EXEC, VM_PROT_RW | VM_PROT_EXEC };

	return prots[r % 5];
}

static bool model_range_free(const struct vmw_space *s, uint32_t p, uint32_t n)
{
	for (uint32_t i = p; i < p + n; i++)
		if (s->page[i].mapped)
			return false;
	return true;
}

/* Where top-down placement puts n pages: the highest free run below
 * VMW_OPS_END (the model's regions are all below it), or 0 if none. */
static uint32_t model_top_down(const struct vmw_space *s, uint32_t n)
{
	for (uint32_t top = VMW_OPS_END; top >= VMW_LO + n; top--)
		if (model_range_free(s, top - n, n))
			return top - n;
	return 0;
}

static void model_clear(struct vmw_space *s, uint32_t p, uint32_t n)
{
	for (uint32_t i = p; i < p + n; i++)
		s->page[i] = (struct vmw_page){ false, false, false, 0, -1, -1 };
}

static int op_map(struct vmw_space *s, const uint32_t r[4])
{
	unsigned kind = r[1] % 4, how = (r[1] >> 4) % 3;        /* kind 0, 1: anonymous */
	uint32_t p, n, got;
	vm_prot_t prot = pick_prot(r[2]);
	struct vm_object *obj = NULL;
	unsigned flags = how == 0 ? VM_MAP_FIXED : how == 1 ? VM_MAP_NOREPLACE : 0;
	uint32_t fpage = (r[3] >> 8) % 12;
	vaddr_t addr;
	int err, expect = 0;

	pick_range(r[0], &p, &n);
	if (kind == 2 && W->nobjs < VMW_OBJS) {
		obj = vm_object_anon_shared(&env, (uint64_t)n * PAGE_SIZE);
		if (!obj)
			return 0;
		W->objs[W->nobjs++] = obj;
		flags |= VM_REGION_SHARED;
	} else if (kind == 3) {
		obj = W->file;
		prot &= ~(vm_prot_t)(r[3] & 1 ? VM_PROT_WRITE : 0);
	} else {
		kind = 0;
	}
	addr = (vaddr_t)p * PAGE_SIZE;
	got = p;
	if (how == 1 && !model_range_free(s, p, n))
		expect = -EEXIST;
	else if (how == 2 && !model_range_free(s, p, n))
		got = model_top_down(s, n);
	if (how == 2 && got == 0)
		expect = -ENOMEM;
	err = vm_map(&s->vs, &addr, (size_t)n * PAGE_SIZE, prot, flags, obj, kind == 3 ? (uint64_t)fpage * PAGE_SIZE : 0);
	if (err == -ENOMEM && expect != -ENOMEM)
		return 0;       /* a record could not be had: nothing changed */
	if (err != expect)
		return fail("vm_map(%#x pages at %#x, how %u, kind %u): %d, model says %d", n, p, how, kind, err, expect);
	if (err)
		return 0;
	if (addr != (vaddr_t)got * PAGE_SIZE)
		return fail("vm_map placed %u pages at page %#lx, model says %#x", n, (unsigned long)(addr / PAGE_SIZE), got);
	for (uint32_t i = 0; i < n; i++)
		s->page[got + i] = (struct vmw_page){
			true, kind == 2, false, (uint8_t)prot, kind == 2 ? new_cell(0, 0) : -1,
			kind == 3 ? (int32_t)(fpage + i) : -1 };
	return 0;
}

static int op_unmap(struct vmw_space *s, const uint32_t r[4])
{
	uint32_t p, n;
	int err;

	pick_range(r[0], &p, &n);
	err = vm_unmap(&s->vs, (vaddr_t)p * PAGE_SIZE, (size_t)n * PAGE_SIZE);
	if (err == -ENOMEM)
		return 0;
	if (err)
		return fail("vm_unmap(%#x, %u pages): %d", p, n, err);
	model_clear(s, p, n);
	return 0;
}

static int op_protect(struct vmw_space *s, const uint32_t r[4])
{
	vm_prot_t prot = pick_prot(r[2]);
	bool mapped = true;
	uint32_t p, n;
	int err;

	pick_range(r[0], &p, &n);
	for (uint32_t i = p; i < p + n; i++)
		mapped &= s->page[i].mapped;
	err = vm_protect(&s->vs, (vaddr_t)p * PAGE_SIZE, (size_t)n * PAGE_SIZE, prot);
	if (!mapped)
		return err == -ENOMEM ? 0 : fail("vm_protect over a hole at %#x: %d, not -ENOMEM", p, err);
	if (err && err != -ENOMEM)
		return fail("vm_protect(%#x, %u pages): %d", p, n, err);
	/* On -ENOMEM a prefix may have changed: each page has the old or the new. */
	for (uint32_t i = p; i < p + n; i++) {
		struct vm_region *reg = vm_region_find(&s->vs, (vaddr_t)i * PAGE_SIZE);

		if (!reg || (reg->prot != prot && (err == 0 || reg->prot != s->page[i].prot)))
			return fail("vm_protect(%#x, %u pages) -> %d: page %#x has prot %d", p, n, err, i,
				    reg ? (int)reg->prot : -1);
		s->page[i].prot = (uint8_t)reg->prot;
	}
	return 0;
}

static int op_fork(int si)
{
	int ci = 0;
	struct vmw_space *s = &W->space[si], *c;

	while (ci < VMW_SPACES && W->space[ci].live)
		ci++;
	if (ci == VMW_SPACES)
		return 0;
	c = &W->space[ci];
	if (vmspace_fork(&c->vs, &s->vs) != 0)
		return 0;       /* out of memory: no child */
	c->live = true;
	memcpy(c->page, s->page, sizeof(c->page));
	for (uint32_t p = 0; p < VMW_PAGES; p++)
		if (c->page[p].cell >= 0 && !c->page[p].shared)
			c->page[p].cell = new_cell(W->cells[s->page[p].cell].word[0], W->cells[s->page[p].cell].word[1]);
	return 0;
}

static void destroy(int si)
{
	if (W->active == si) {
		W->space[si].vs.pmap.active = false;    /* CR3 moves elsewhere first */
		W->active = -1;
	}
	vmspace_destroy(&W->space[si].vs);
	W->space[si].live = false;
}

static int op_access(int si, const uint32_t r[4])
{
	struct vmw_space *s = &W->space[si];
	bool write = r[1] & 1;
	unsigned word = (r[1] >> 1) & 1;
	uint32_t p = r[2] % 8 ? VMW_LO + r[0] % (VMW_OPS_END - VMW_LO) : VMW_PAGES - 1 - r[0] % 96;
	uint32_t val = write ? r[3] | 1 : 0;
	int expect, err;

	if (r[2] % 61 == 0)
		p = r[0] % VMW_LO;                      /* near NULL: never mapped */
	expect = model_predict(s, p, write, true);
	err = cpu_access(si, (vaddr_t)p * PAGE_SIZE + (word ? PAGE_SIZE - 4 : 0), write, &val);
	if (err == -ENOMEM && expect == 0) {
		W->enomem++;
		return 0;
	}
	if (err != expect)
		return fail("space %d: %s of page %#x: %d, model says %d", si, write ? "write" : "read", p, err, expect);
	if (err)
		return 0;
	if (write) {
		struct vmw_page *pg = &s->page[p];

		if (pg->cell < 0)
			pg->cell = new_cell(model_word(pg, 0), model_word(pg, 1));
		W->cells[pg->cell].word[word] = val;
	} else if (val != model_word(&s->page[p], word)) {
		return fail("space %d: page %#x word %u reads %#x, model says %#x", si, p, word, val,
			    model_word(&s->page[p], word));
	}
	return 0;
}

int vmw_step(struct vm_world *w, const uint32_t r[4])
{
	int live[VMW_SPACES], nlive = 0, si;
	unsigned op = r[0] >> 24;

	W = w;
	w->ops++;
	for (int i = 0; i < VMW_SPACES; i++)
		if (w->space[i].live)
			live[nlive++] = i;
	si = live[(r[3] >> 20) % (unsigned)nlive];
	op %= 32;
	if (op < 16)
		return op_access(si, r);
	if (op < 21)
		return op_map(&w->space[si], r);
	if (op < 24)
		return op_unmap(&w->space[si], r);
	if (op < 28)
		return op_protect(&w->space[si], r);
	if (op < 30)
		return op_fork(si);
	if (nlive > 1)
		destroy(si);
	return 0;
}

/* ---- checking ---- */

static bool frame_words_match(uint32_t pa, const struct vmw_page *pg)
{
	uint32_t first = phys_read32(pa), last = phys_read32(pa + PAGE_SIZE - 4);

	return first == model_word(pg, 0) && last == model_word(pg, 1);
}

static int check_space(int si)
{
	struct vmw_space *s = &W->space[si];
	char why[160];

	if (vmspace_check(&s->vs, why, sizeof(why)))
		return fail("space %d: %s", si, why);
	for (uint32_t p = 0; p < VMW_PAGES; p++) {
		struct sim_xlate x = walk(&s->vs, (vaddr_t)p * PAGE_SIZE);
		const struct vmw_page *pg = &s->page[p];

		if (x.in_use && !pg->mapped)
			return fail("space %d: page %#x is mapped outside any region", si, p);
		if (x.present && (!x.user || pg->prot == VM_PROT_NONE || (x.writable && !(pg->prot & VM_PROT_WRITE))))
			return fail("space %d: page %#x allows more than its region (pte %#x, prot %u)", si, p, x.pte, pg->prot);
		if (x.in_use && !frame_words_match(x.pte & 0xFFFFF000u, pg))
			return fail("space %d: page %#x holds %#x..%#x, model says %#x..%#x", si, p,
				    phys_read32(x.pte & 0xFFFFF000u), phys_read32((x.pte & 0xFFFFF000u) + PAGE_SIZE - 4),
				    model_word(pg, 0), model_word(pg, 1));
		if (!x.in_use && pg->mapped && !pg->shared && pg->cell >= 0)
			return fail("space %d: page %#x was written but has no frame", si, p);
		if (W->active == si && W->tlb.e[p].valid &&
		    (!x.present || (x.pa & ~0xFFFu) != W->tlb.e[p].frame || (W->tlb.e[p].writable && !x.writable)))
			return fail("space %d: stale TLB entry for page %#x", si, p);
	}
	return 0;
}

/* Every allocated frame must be a page directory, a page table with as
 * many references as directories pointing at it, or a data frame with as
 * many as page tables (and shared objects) mapping it. */
static int check_frames(void)
{
	static uint32_t refs[WORLD_NPAGES];
	static uint8_t kind[WORLD_NPAGES];      /* 1 directory, 2 table, 3 data */
	static bool in_object[WORLD_NPAGES];
	struct pmm *pmm = &W->pmm.pmm;
	uint64_t mapped = 0;

	memset(refs, 0, sizeof(refs));
	memset(kind, 0, sizeof(kind));
	memset(in_object, 0, sizeof(in_object));
	kind[W->kernel.pd_pa / PAGE_SIZE - WORLD_BASE_PFN] = 1;
	for (int si = 0; si < VMW_SPACES; si++) {
		if (!W->space[si].live)
			continue;
		kind[W->space[si].vs.pmap.pd_pa / PAGE_SIZE - WORLD_BASE_PFN] = 1;
		for (uint32_t pdx = 0; pdx < 768; pdx++) {
			uint32_t pde = phys_read32(W->space[si].vs.pmap.pd_pa + 4 * pdx), t;

			if (!(pde & PTE_P))
				continue;
			t = pde / PAGE_SIZE - WORLD_BASE_PFN;
			if (refs[t]++ > 0)
				continue;       /* a shared table: its entries are counted once */
			kind[t] = 2;
			for (uint32_t i = 0; i < 1024; i++) {
				uint32_t pte = phys_read32((pde & 0xFFFFF000u) + 4 * i);

				if (pte & (PTE_P | PTE_SW_NOACCESS)) {
					refs[pte / PAGE_SIZE - WORLD_BASE_PFN]++;
					kind[pte / PAGE_SIZE - WORLD_BASE_PFN] = 3;
				}
			}
		}
	}
	for (unsigned o = 0; o < W->nobjs; o++) {
		const struct vm_object *obj = W->objs[o];

		for (uint32_t l = 0; l * VMO_LEAF_ENTRIES < obj->nframes; l++)
			for (uint32_t i = 0; obj->frames[l] && i < VMO_LEAF_ENTRIES; i++)
				if (obj->frames[l][i]) {
					refs[obj->frames[l][i] - WORLD_BASE_PFN]++;
					kind[obj->frames[l][i] - WORLD_BASE_PFN] = 3;
					in_object[obj->frames[l][i] - WORLD_BASE_PFN] = true;
				}
	}
	for (uint32_t f = 0; f < WORLD_NPAGES; f++) {
		const struct page *pg = &pmm->pages[f];

		if (pg->state != PAGE_ALLOCATED) {
			if (kind[f])
				return fail("frame %#x is in use (kind %u) but not allocated", f + WORLD_BASE_PFN, kind[f]);
			continue;
		}
		if (!kind[f])
			return fail("frame %#x is allocated but nothing uses it: a leak", f + WORLD_BASE_PFN);
		if (kind[f] != 1 && pg->refcount != refs[f])
			return fail("frame %#x (kind %u) has refcount %u, expected %u", f + WORLD_BASE_PFN, kind[f],
				    pg->refcount, refs[f]);
		if (in_object[f] != ((pg->flags & PAGE_FLAG_SHARED) != 0))
			return fail("frame %#x: in a shared object %d, PAGE_FLAG_SHARED %d", f + WORLD_BASE_PFN,
				    in_object[f], (pg->flags & PAGE_FLAG_SHARED) != 0);
		mapped += in_object[f] && refs[f] > 1;  /* a table maps it: meminfo's Mapped */
	}
	if (mapped != pmm_shared_mapped - W->shared_mapped_at_start)
		return fail("%llu shared frames are mapped, pmm_shared_mapped says %llu", (unsigned long long)mapped,
			    (unsigned long long)(pmm_shared_mapped - W->shared_mapped_at_start));
	return 0;
}

/* mappings[f]: how many pages of live spaces map frame f, each space
 * counted through its own directory (a table fork shares counts once per
 * space that points at it). */
static void count_mappings(uint16_t *mappings)
{
	memset(mappings, 0, WORLD_NPAGES * sizeof(*mappings));
	for (int si = 0; si < VMW_SPACES; si++)
		for (uint32_t p = 0; W->space[si].live && p < VMW_PAGES; p++) {
			struct sim_xlate x = walk(&W->space[si].vs, (vaddr_t)p * PAGE_SIZE);

			if (x.in_use)
				mappings[x.pte / PAGE_SIZE - WORLD_BASE_PFN]++;
		}
}

/* vm_region_usage against the tables, read as the manual says: shared is
 * a frame more than one page maps, dirty and referenced the PTE's D and A
 * bits, anonymous a private page of no file or one written, shmem a page
 * of a shared object. */
static int check_usage(int si, const uint16_t *mappings)
{
	struct vmw_space *s = &W->space[si];

	for (const struct vm_region *r = vm_region_first(&s->vs); r; r = vm_region_next(r)) {
		struct vm_usage got = { 0 }, want = { 0 };

		vm_region_usage(&s->vs, r, &got);
		for (vaddr_t va = r->node.start; va < r->node.end; va += PAGE_SIZE) {
			struct sim_xlate x = walk(&s->vs, va);
			const struct vmw_page *pg = &s->page[va / PAGE_SIZE];
			bool shared = x.in_use && mappings[x.pte / PAGE_SIZE - WORLD_BASE_PFN] > 1;
			bool dirty = x.in_use && (x.pte & PTE_D);

			want.resident += x.in_use;
			want.shared += shared;
			want.shared_dirty += shared && dirty;
			want.private_dirty += x.in_use && !shared && dirty;
			want.referenced += x.in_use && (x.pte & PTE_A);
			want.anonymous += x.in_use && !pg->shared && (pg->file_page < 0 || dirty);
			want.shmem += x.in_use && pg->shared;  /* a shared object's own frame */
		}
		if (memcmp(&got, &want, sizeof(got)) != 0)
			return fail("space %d: region %#lx-%#lx: usage resident %u shared %u dirty %u/%u "
				    "referenced %u anonymous %u shmem %u; the tables say %u %u %u/%u %u %u %u", si,
				    (unsigned long)r->node.start, (unsigned long)r->node.end, got.resident,
				    got.shared, got.shared_dirty, got.private_dirty, got.referenced,
				    got.anonymous, got.shmem, want.resident, want.shared, want.shared_dirty,
				    want.private_dirty, want.referenced, want.anonymous, want.shmem);
	}
	return 0;
}

int vmw_check(struct vm_world *w)
{
	static uint16_t mappings[WORLD_NPAGES];

	W = w;
	count_mappings(mappings);
	for (int si = 0; si < VMW_SPACES; si++)
		if (w->space[si].live && (check_space(si) || check_usage(si, mappings)))
			return -1;
	return check_frames();
}

int vmw_access(struct vm_world *w, int si, vaddr_t va, bool write, uint32_t *val)
{
	W = w;
	return cpu_access(si, va, write, val);
}

/* ---- setting up and tearing down ---- */

void vmw_init(struct vm_world *w, unsigned zalloc_fail_every)
{
	struct vmw_space *s = &w->space[0];
	vaddr_t stack = (VMW_PAGES - VMW_STACK_INIT) * PAGE_SIZE;

	W = w;
	memset(w, 0, sizeof(*w));
	sim_tlb_init(&w->tlb, 0, VMW_PAGES, w->tlb_entries);
	world_init(&w->pmm);
	penv = (struct pmap_env){ &w->pmm.pmm, world_phys_to_virt, sim_invlpg, sim_flush };
	env = (struct vm_env){ &penv, &w->kernel, w_zalloc, w_free, w_zero_frame, w_copy_frame, w_fill_frame,
			       w_zero_tail };
	if (pmap_init(&w->kernel, &penv, NULL) != 0)
		abort();
	for (uint32_t i = 0; i < VMW_FILE_SIZE; i++)
		w->file_data[i] = (uint8_t)(i * 7 + i / PAGE_SIZE + 1);
	w->file = vm_object_file(&env, w->file_data, VMW_FILE_SIZE);
	w->free_at_start = pmm_free_count(&w->pmm.pmm);
	w->shared_mapped_at_start = pmm_shared_mapped;
	w->active = -1;
	if (!w->file || vmspace_init(&s->vs, &env) != 0 ||
	    vm_map(&s->vs, &stack, VMW_STACK_INIT * PAGE_SIZE, VM_PROT_RW, VM_REGION_GROWSDOWN | VM_MAP_FIXED, NULL, 0))
		abort();
	s->vs.mmap_base = VMW_OPS_END * PAGE_SIZE;
	s->vs.stack_max = VMW_STACK_MAX * PAGE_SIZE;
	s->live = true;
	model_clear(s, 0, VMW_PAGES);
	for (uint32_t p = VMW_PAGES - VMW_STACK_INIT; p < VMW_PAGES; p++)
		s->page[p] = (struct vmw_page){ true, false, true, VM_PROT_RW, -1, -1 };
	w->zalloc_fail_every = zalloc_fail_every;
}

int vmw_finish(struct vm_world *w)
{
	W = w;
	for (int si = 0; si < VMW_SPACES; si++)
		if (w->space[si].live)
			destroy(si);
	for (unsigned o = 0; o < w->nobjs; o++)
		vm_object_put(&env, w->objs[o]);
	vm_object_put(&env, w->file);
	free(w->cells);
	w->cells = NULL;
	w->nobjs = 0;
	if (pmm_free_count(&w->pmm.pmm) != w->free_at_start)
		return fail("%llu frames free after destroying everything, %llu before",
			    (unsigned long long)pmm_free_count(&w->pmm.pmm), (unsigned long long)w->free_at_start);
	return 0;
}
