/*
 * Backing objects: what a region's pages come from when they are not
 * private anonymous memory (see <pagoda/vm.h>).
 *
 * A file object is a read-only window on bytes the kernel can read (a file
 * of the initramfs); private mappings of it copy each page into a frame of
 * their own on first touch, so the object holds no frames.
 *
 * A shared object owns its frames: one reference each, taken when a page
 * is first touched through any mapping or written through its file, so
 * every mapping, in every address space, and read() and write() find the
 * same frame. This is the page cache of a tmpfs file as well as shared
 * anonymous memory. Frames are indexed by page in a two-level table of
 * frame numbers (VMO_LEAF_ENTRIES per leaf, made on demand), so a large
 * sparse object costs little until it is touched; the top level grows
 * with the object (vm_object_resize).
 */
#include <pagoda/vm.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>

uint64_t vm_shared_frames;

static uint32_t leaves_for(uint32_t pages)
{
	uint32_t n = (pages + VMO_LEAF_ENTRIES - 1) / VMO_LEAF_ENTRIES;

	return n ? n : 1;
}

static uint32_t pages_in(uint64_t size)
{
	return (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
}

struct vm_object *vm_object_file(const struct vm_env *env, const void *data, uint64_t size)
{
	struct vm_object *obj = env->zalloc(sizeof(*obj));

	if (!obj)
		return NULL;
	obj->kind = VMO_FILE;
	obj->refs = 1;
	obj->size = size;
	obj->data = data;
	obj->nframes = pages_in(size);
	return obj;
}

struct vm_object *vm_object_anon_shared(const struct vm_env *env, uint64_t size)
{
	struct vm_object *obj = env->zalloc(sizeof(*obj));

	if (!obj)
		return NULL;
	obj->kind = VMO_ANON_SHARED;
	obj->refs = 1;
	obj->size = size;
	obj->nframes = pages_in(size);
	obj->nleaves = leaves_for(obj->nframes);
	obj->frames = env->zalloc(obj->nleaves * sizeof(uint32_t *));
	if (!obj->frames) {
		env->free(obj);
		return NULL;
	}
	return obj;
}

void vm_object_get(struct vm_object *obj)
{
	obj->refs++;
}

/* A frame leaves its shared object: if a page table still maps it (a
 * private mapping's, say), it is no longer a mapped file page. */
static void shared_frame_leave(struct page *pg)
{
	if (pg->refcount >= 2)
		pmm_shared_mapped--;
	pg->flags &= (uint8_t)~PAGE_FLAG_SHARED;
}

/* Free the frame in *slot, a page of obj. */
static void free_slot(const struct vm_env *env, struct vm_object *obj, uint32_t *slot)
{
	struct page *pg = pmm_pfn_to_page(env->pmap->pmm, *slot);

	shared_frame_leave(pg);
	pmm_page_put(env->pmap->pmm, pg);
	*slot = 0;
	obj->resident--;
	vm_shared_frames--;
	if (obj->quota)
		obj->quota->pages--;
}

/* Free the frames of pages [first, end) and the leaves left empty. */
static void free_frames(const struct vm_env *env, struct vm_object *obj, uint32_t first, uint32_t end)
{
	for (uint32_t l = first / VMO_LEAF_ENTRIES; l < obj->nleaves && l * VMO_LEAF_ENTRIES < end; l++) {
		uint32_t *leaf = obj->frames[l];
		bool empty = true;

		for (uint32_t i = 0; leaf && i < VMO_LEAF_ENTRIES; i++) {
			uint32_t index = l * VMO_LEAF_ENTRIES + i;

			if (!leaf[i])
				continue;
			if (index < first || index >= end)
				empty = false;
			else
				free_slot(env, obj, &leaf[i]);
		}
		if (leaf && empty) {
			env->free(leaf);
			obj->frames[l] = NULL;
		}
	}
}

/* Drop a reference; the last one frees the object and its frames. */
void vm_object_put(const struct vm_env *env, struct vm_object *obj)
{
	if (obj->refs == 0)
		panic("vm_object_put: object %p has no references left", (void *)obj);
	if (--obj->refs > 0)
		return;
	if (obj->kind == VMO_ANON_SHARED) {
		free_frames(env, obj, 0, UINT32_MAX);
		env->free(obj->frames);
	}
	env->free(obj->gone_name);
	env->free(obj);
}

/* The slot of page index, or NULL if its leaf was never made. */
static uint32_t *frame_slot(const struct vm_object *obj, uint32_t index)
{
	uint32_t *leaf = obj->frames[index / VMO_LEAF_ENTRIES];

	return leaf ? &leaf[index % VMO_LEAF_ENTRIES] : NULL;
}

struct page *vm_object_lookup(const struct vm_object *obj, const struct vm_env *env, uint32_t index)
{
	uint32_t *slot = index < obj->nframes ? frame_slot(obj, index) : NULL;

	return slot && *slot ? pmm_pfn_to_page(env->pmap->pmm, *slot) : NULL;
}

/* Room in the frame table for pages [0, pages): -ENOMEM, nothing changed. */
static int grow_table(const struct vm_env *env, struct vm_object *obj, uint32_t pages)
{
	uint32_t leaves = leaves_for(pages);

	if (leaves > obj->nleaves) {
		uint32_t **bigger = env->zalloc(leaves * sizeof(uint32_t *));

		if (!bigger)
			return -ENOMEM;
		for (uint32_t l = 0; l < obj->nleaves; l++)
			bigger[l] = obj->frames[l];
		env->free(obj->frames);
		obj->frames = bigger;
		obj->nleaves = leaves;
	}
	obj->nframes = MAX(obj->nframes, pages);
	return 0;
}

/* The frames may reach past the size (vm_object_reserve): nframes counts
 * them all, and only a shrink frees those past the new end. */
int vm_object_resize(const struct vm_env *env, struct vm_object *obj, uint64_t size)
{
	uint32_t pages = pages_in(size);
	struct page *last;
	int err;

	if (obj->kind != VMO_ANON_SHARED)
		panic("vm_object_resize: a %s object", "file");
	if (size > (uint64_t)UINT32_MAX * PAGE_SIZE)
		return -EFBIG;
	if ((err = grow_table(env, obj, pages)))
		return err;
	if (size < obj->size) {
		free_frames(env, obj, pages, UINT32_MAX);
		/* The rest of the new last page must read as zero if the file
		 * grows again (Linux's truncate_inode_pages zeroes it too). */
		if (size % PAGE_SIZE && (last = vm_object_lookup(obj, env, pages - 1)))
			env->zero_tail(last, size % PAGE_SIZE);
		obj->nframes = pages;
	}
	obj->size = size;
	return 0;
}

int vm_object_reserve(const struct vm_env *env, struct vm_object *obj, uint32_t first, uint32_t end)
{
	uint32_t nframes = obj->nframes, words = (end - first + 31) / 32;
	uint32_t *made = env->zalloc(MAX(words, 1u) * sizeof(uint32_t));
	struct page *pg;
	int err = 0;

	if (!made || (err = grow_table(env, obj, end))) {
		env->free(made);
		return made ? err : -ENOMEM;
	}
	for (uint32_t i = first; i < end && !err; i++) {
		if (vm_object_lookup(obj, env, i))
			continue;
		err = vm_object_frame(env, obj, i, &pg);
		if (!err)
			made[(i - first) / 32] |= 1u << ((i - first) % 32);
	}
	if (err) {              /* all or nothing: the frames made here go */
		for (uint32_t i = first; i < end; i++)
			if (made[(i - first) / 32] & (1u << ((i - first) % 32)))
				free_slot(env, obj, frame_slot(obj, i));
		obj->nframes = MAX(nframes, pages_in(obj->size));
	}
	env->free(made);
	return err;
}

void vm_object_punch(const struct vm_env *env, struct vm_object *obj, uint32_t first, uint32_t end)
{
	free_frames(env, obj, first, MIN(end, obj->nframes));
}

int vm_object_frame(const struct vm_env *env, struct vm_object *obj, uint32_t index,
		    struct page **frame)
{
	struct pmm *pmm = env->pmap->pmm;
	uint32_t **leaf, *slot;
	struct page *pg;

	if (obj->kind != VMO_ANON_SHARED || index >= obj->nframes)
		panic("vm_object_frame: page %u of a %s object of %u pages", index,
		      obj->kind == VMO_FILE ? "file" : "shared", obj->nframes);
	leaf = &obj->frames[index / VMO_LEAF_ENTRIES];
	if (!*leaf && !(*leaf = env->zalloc(VMO_LEAF_ENTRIES * sizeof(uint32_t))))
		return -ENOMEM;
	slot = &(*leaf)[index % VMO_LEAF_ENTRIES];
	if (!*slot) {
		if (obj->quota && obj->quota->max_pages && obj->quota->pages >= obj->quota->max_pages)
			return -ENOSPC;
		pg = pmm_alloc_pages(pmm, 0, PMM_ANY);
		if (!pg)
			return -ENOMEM;
		env->zero_frame(pg);
		pg->flags |= PAGE_FLAG_SHARED;
		*slot = pmm_page_to_pfn(pmm, pg);
		obj->resident++;
		vm_shared_frames++;
		if (obj->quota)
			obj->quota->pages++;
	}
	*frame = pmm_pfn_to_page(pmm, *slot);
	return 0;
}

bool vm_object_resident(const struct vm_object *obj, uint64_t offset)
{
	uint64_t index = offset / PAGE_SIZE;
	const uint32_t *leaf;

	if (offset >= obj->size)
		return false;
	if (obj->kind == VMO_FILE)
		return true;            /* its bytes are in memory */
	leaf = obj->frames[index / VMO_LEAF_ENTRIES];
	return leaf && leaf[index % VMO_LEAF_ENTRIES] != 0;
}
