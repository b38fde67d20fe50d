/*
 * What the sysenter entry (trap_entry.S) knows of the VM, shared by
 * assembly and C: where struct vmspace keeps the vDSO's base (checked by
 * arch/x86/vdso.c, so a change to the struct cannot go unnoticed).
 */
#ifndef ARCH_VDSO_H
#define ARCH_VDSO_H

#define VMSPACE_VDSO_BASE       0x98

#endif /* ARCH_VDSO_H */
