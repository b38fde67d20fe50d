/*
 * Address spaces on the real MMU: kernel-made vmspaces, activated in CR3,
 * reached only through copyin/copyout, so every page comes in through a
 * real page fault, the trap hook (arch/x86/fault.c) and vm_fault. Also run
 * at -m 3583M (tools/test.py), where user frames come from high memory.
 */
#include <pagoda/errno.h>
#include <pagoda/heap.h>
#include <pagoda/kmalloc.h>
#include <pagoda/ktest.h>
#include <pagoda/page_alloc.h>
#include <pagoda/string.h>
#include <pagoda/uaccess.h>
#include <pagoda/vm.h>
#include <arch/memlayout.h>

#define UA              0x08000000u     /* where the tests map */

/* Frames free once the heap has given back its empty slabs. */
static uint64_t settled_free(void)
{
	heap_shrink(&kernel_heap);
	return pmm_free_count(&kernel_pmm);
}

/* A new address space with n pages of private anonymous memory at UA,
 * made current. */
static int make_space(struct vmspace *vs, unsigned n, vm_prot_t prot)
{
	vaddr_t a = UA;
	int err = vmspace_init(vs, &kernel_vm_env);

	if (!err)
		err = vm_map(vs, &a, n * PAGE_SIZE, prot, VM_MAP_FIXED, NULL, 0);
	if (!err)
		vmspace_activate(vs);
	return err;
}

static void drop_space(struct vmspace *vs)
{
	vmspace_activate(NULL);
	vmspace_destroy(vs);
}

KTEST(vm_demand_zero_pages_read_as_zero)
{
	static uint8_t buf[3 * PAGE_SIZE];
	struct vmspace vs;
	uint64_t free_before = settled_free(), zero_before = vm_stats.zero;
	bool zero = true;

	KT_ASSERT_EQ(make_space(&vs, 3, VM_PROT_RW), 0);
	memset(buf, 0xAA, sizeof(buf));
	KT_ASSERT_EQ_GOTO(copyin(buf, UA, sizeof(buf)), 0, drop);
	for (size_t i = 0; i < sizeof(buf); i++)
		zero &= buf[i] == 0;
drop:
	drop_space(&vs);
	KT_ASSERT(zero);
	KT_ASSERT_EQ(vm_stats.zero - zero_before, 3);
	KT_ASSERT_EQ(settled_free(), free_before);      /* every frame and table back */
}

KTEST(vm_write_after_fork_breaks_sharing_in_one_space_only)
{
	struct vmspace parent, child;
	uint32_t v = 0x1111, got_parent = 0, got_child = 0;
	uint64_t free_before = settled_free(), copied = vm_stats.cow_copied;

	KT_ASSERT_EQ(make_space(&parent, 2, VM_PROT_RW), 0);
	KT_ASSERT_EQ_GOTO(copyout(UA + 8, &v, 4), 0, drop_parent);
	KT_ASSERT_EQ_GOTO(vmspace_fork(&child, &parent), 0, drop_parent);
	vmspace_activate(&child);
	v = 0x2222;
	KT_ASSERT_EQ_GOTO(copyout(UA + 8, &v, 4), 0, drop_child);      /* the child's write */
	KT_ASSERT_EQ_GOTO(copyin(&got_child, UA + 8, 4), 0, drop_child);
	vmspace_activate(&parent);
	KT_ASSERT_EQ_GOTO(copyin(&got_parent, UA + 8, 4), 0, drop_child);
drop_child:
	vmspace_activate(NULL);
	vmspace_destroy(&child);
drop_parent:
	drop_space(&parent);
	KT_ASSERT_EQ(got_parent, 0x1111);
	KT_ASSERT_EQ(got_child, 0x2222);
	KT_ASSERT_EQ(vm_stats.cow_copied - copied, 1);
	KT_ASSERT_EQ(settled_free(), free_before);
}

KTEST(vm_stack_guard_gap_faults)
{
	struct vmspace vs;
	vaddr_t top = 0xBF000000u, stack = top - PAGE_SIZE;
	vaddr_t block = top - 2 * PAGE_SIZE - VM_STACK_GUARD_GAP - PAGE_SIZE;  /* a full gap below one more page */
	uint32_t v = 7;
	int grow, guard;

	KT_ASSERT_EQ(vmspace_init(&vs, &kernel_vm_env), 0);
	KT_ASSERT_EQ(vm_map(&vs, &stack, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED | VM_REGION_GROWSDOWN, NULL, 0), 0);
	KT_ASSERT_EQ(vm_map(&vs, &block, PAGE_SIZE, VM_PROT_RW, VM_MAP_FIXED, NULL, 0), 0);
	vmspace_activate(&vs);
	grow = copyout(top - 2 * PAGE_SIZE, &v, 4);             /* just below: the stack grows */
	guard = copyout(block + PAGE_SIZE + 16, &v, 4);         /* in the gap: refused */
	drop_space(&vs);
	KT_ASSERT_EQ(grow, 0);
	KT_ASSERT_EQ(guard, -EFAULT);
}

KTEST(uaccess_bad_addresses_return_efault)
{
	static const char msg[] = "pagoda";
	struct vmspace vs;
	char buf[16];
	uint32_t v = 1;
	int unmapped, readonly, crossing, kernel, wrap, none, ok_str, long_str, str_len_ok;
	size_t len = 0;
	vaddr_t ro = UA + 4 * PAGE_SIZE;

	KT_ASSERT_EQ(make_space(&vs, 2, VM_PROT_RW), 0);
	KT_ASSERT_EQ_GOTO(vm_map(&vs, &ro, PAGE_SIZE, VM_PROT_READ, VM_MAP_FIXED, NULL, 0), 0, drop);
	unmapped = copyout(UA + 2 * PAGE_SIZE, &v, 4);
	readonly = copyout(ro, &v, 4);
	crossing = copyin(buf, UA + 2 * PAGE_SIZE - 8, 16);     /* 8 mapped bytes, then none */
	kernel = copyin(buf, KERNEL_VBASE, 4);
	wrap = copyin(buf, 0xFFFFFFF0u, 32);
	KT_ASSERT_EQ_GOTO(vm_protect(&vs, UA, PAGE_SIZE, VM_PROT_NONE), 0, drop);
	none = copyin(buf, UA, 4);
	KT_ASSERT_EQ_GOTO(copyout(UA + PAGE_SIZE, msg, sizeof(msg)), 0, drop);
	ok_str = copyinstr(buf, UA + PAGE_SIZE, sizeof(buf), &len);
	str_len_ok = len == 6 && strcmp(buf, "pagoda") == 0;
	long_str = copyinstr(buf, UA + PAGE_SIZE, 4, NULL);
	drop_space(&vs);
	KT_ASSERT_EQ(unmapped, -EFAULT);
	KT_ASSERT_EQ(readonly, -EFAULT);
	KT_ASSERT_EQ(crossing, -EFAULT);
	KT_ASSERT_EQ(kernel, -EFAULT);
	KT_ASSERT_EQ(wrap, -EFAULT);
	KT_ASSERT_EQ(none, -EFAULT);
	KT_ASSERT_EQ(ok_str, 0);
	KT_ASSERT(str_len_ok);
	KT_ASSERT_EQ(long_str, -ENAMETOOLONG);
	return;
drop:
	drop_space(&vs);
}

KTEST(uaccess_clear_user_zeroes_and_faults_in)
{
	struct vmspace vs;
	uint32_t v = 0xFFFFFFFF, after = 1, past = 0;

	KT_ASSERT_EQ(make_space(&vs, 2, VM_PROT_RW), 0);
	KT_ASSERT_EQ_GOTO(copyout(UA + 100, &v, 4), 0, drop);
	KT_ASSERT_EQ_GOTO(clear_user(UA + 50, 2 * PAGE_SIZE - 50), 0, drop);
	KT_ASSERT_EQ_GOTO(copyin(&after, UA + 100, 4), 0, drop);
	past = (uint32_t)clear_user(UA + PAGE_SIZE, 2 * PAGE_SIZE);
drop:
	drop_space(&vs);
	KT_ASSERT_EQ(after, 0);
	KT_ASSERT_EQ(past, (uint32_t)-EFAULT);
}
