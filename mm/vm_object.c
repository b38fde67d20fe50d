/*
 * Backing objects: what a region's pages come from when they are not
 * private anonymous memory (see <pagoda/vm.h>).
 *
 * A file object is a read-only window on bytes the kernel can read (a file
 * of the initramfs); private mappings of it copy each page into a frame of
 * their own on first touch, so the object holds no frames.
 *
 * A shared anonymous object owns its frames: one reference each, taken
 * when a page is first touched through any mapping, so every mapping, in
 * every address space, finds the same frame. Frames are indexed by page in
 * a two-level table of frame numbers (VMO_LEAF_ENTRIES per leaf, made on
 * demand), so a large sparse object costs little until it is touched.
 */
#include <pagoda/vm.h>
#include <pagoda/errno.h>
#include <pagoda/panic.h>


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
	uint32_t leaves = (pages_in(size) + VMO_LEAF_ENTRIES - 1) / VMO_LEAF_ENTRIES;

	if (!obj)
		return NULL;
	obj->kind = VMO_ANON_SHARED;
	obj->refs = 1;
	obj->size = size;
	obj->nframes = pages_in(size);
	obj->frames = env->zalloc((leaves ? leaves : 1) * sizeof(uint32_t *));
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

/* Drop a reference; the last one frees the object and its frames. */
void vm_object_put(const struct vm_env *env, struct vm_object *obj)
{
	struct pmm *pmm = env->pmap->pmm;

	if (obj->refs == 0)
		panic("vm_object_put: object %p has no references left", (void *)obj);
	if (--obj->refs > 0)
		return;
	if (obj->kind == VMO_ANON_SHARED) {
		for (uint32_t l = 0; l * VMO_LEAF_ENTRIES < obj->nframes; l++) {
			uint32_t *leaf = obj->frames[l];

			for (uint32_t i = 0; leaf && i < VMO_LEAF_ENTRIES; i++)
				if (leaf[i])
					pmm_page_put(pmm, pmm_pfn_to_page(pmm, leaf[i]));
			env->free(leaf);
		}
		env->free(obj->frames);
	}
	if (obj->cache)
		*obj->cache = NULL;
	env->free(obj);
}

int vm_object_frame(const struct vm_env *env, struct vm_object *obj, uint32_t index,
		    struct page **frame)
{
	struct pmm *pmm = env->pmap->pmm;
	uint32_t **leaf = &obj->frames[index / VMO_LEAF_ENTRIES], *slot;
	struct page *pg;

	if (obj->kind != VMO_ANON_SHARED || index >= obj->nframes)
		panic("vm_object_frame: page %u of a %s object of %u pages", index,
		      obj->kind == VMO_FILE ? "file" : "shared", obj->nframes);
	if (!*leaf && !(*leaf = env->zalloc(VMO_LEAF_ENTRIES * sizeof(uint32_t))))
		return -ENOMEM;
	slot = &(*leaf)[index % VMO_LEAF_ENTRIES];
	if (!*slot) {
		pg = pmm_alloc_pages(pmm, 0, PMM_ANY);
		if (!pg)
			return -ENOMEM;
		env->zero_frame(pg);
		*slot = pmm_page_to_pfn(pmm, pg);
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
		return true;            /* its bytes are in memory: the initramfs */
	leaf = obj->frames[index / VMO_LEAF_ENTRIES];
	return leaf && leaf[index % VMO_LEAF_ENTRIES] != 0;
}
