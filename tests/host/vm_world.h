/*
 * A simulated machine for the VM (mm/vmspace.c, mm/vm_fault.c) on the
 * host, with a model of what every address should hold: several address
 * spaces over a pmm_world's frames, a software MMU and TLB written from the
 * manual, and user accesses that fault into vm_fault as the CPU would.
 * Shared by the unit tests (test_vm.c) and the fuzzer (fuzz_vm.c).
 *
 * The window the model covers is user pages [VMW_LO, VMW_PAGES): random
 * maps, unmaps and protects stay below VMW_OPS_END (which is also where
 * top-down placement starts), and each space has a stack, a grows-down
 * region ending at VMW_PAGES that may grow to VMW_STACK_MAX pages.
 */
#ifndef HOST_VM_WORLD_H
#define HOST_VM_WORLD_H

#include <pagoda/vm.h>
#include "pmm_world.h"
#include "sim_mmu.h"

#define VMW_PAGES       4096u   /* the window: [0, 16 MiB) */
#define VMW_LO          (VM_USER_MIN / 4096)
#define VMW_OPS_END     3072u
#define VMW_STACK_INIT  4u
#define VMW_STACK_MAX   64u
#define VMW_SPACES      6
#define VMW_OBJS        64
#define VMW_FILE_SIZE   (10 * 4096 + 100)       /* a partial last page */

struct vmw_page {
	bool mapped;            /* in a region */
	bool shared;
	bool stack;
	uint8_t prot;
	int32_t cell;           /* what it holds; -1: its initial content */
	int32_t file_page;      /* private file page, or -1: anonymous */
};

struct vmw_space {
	bool live;
	struct vmspace vs;
	struct vmw_page page[VMW_PAGES];
};

/* A page's two observed words: its first and its last. */
struct vmw_cell {
	uint32_t word[2];
};

struct vm_world {
	struct pmm_world pmm;
	struct pmap kernel;
	struct vmw_space space[VMW_SPACES];
	struct vmw_cell *cells;
	uint32_t ncells, cell_cap;
	struct vm_object *objs[VMW_OBJS];       /* the creator's reference, kept */
	unsigned nobjs;
	struct vm_object *file;
	uint8_t file_data[VMW_FILE_SIZE];
	int active;                             /* the space in "CR3", or -1 */
	struct sim_tlb tlb;                     /* the CPU's, over every page */
	struct sim_tlb_entry tlb_entries[VMW_PAGES];
	uint64_t free_at_start;
	uint64_t shared_mapped_at_start;      /* pmm_shared_mapped, a global, at vmw_init */
	unsigned zalloc_fail_every, zalloc_calls;       /* inject record failures */
	uint64_t ops, faults, enomem;
	char why[256];
};

/* Set up w (the world is global: the env hooks have no context). */
void vmw_init(struct vm_world *w, unsigned zalloc_fail_every);

/* One random operation chosen by r[0..3]: 0, or -1 with w->why set when
 * the VM disagreed with the model. */
int vmw_step(struct vm_world *w, const uint32_t r[4]);

/* Check every page of every space against the model, the TLB, and every
 * frame's and page table's refcount: 0, or -1 with w->why. */
int vmw_check(struct vm_world *w);

/* A user access of one word by space si, through the TLB, faulting into
 * vm_fault as the CPU would: 0, vm_fault's error, or 1 if it never got
 * through. The model is not updated. */
int vmw_access(struct vm_world *w, int si, vaddr_t va, bool write, uint32_t *val);

/* Destroy everything: every frame must be back. 0, or -1 with w->why. */
int vmw_finish(struct vm_world *w);

#endif
