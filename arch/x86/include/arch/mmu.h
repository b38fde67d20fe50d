/*
 * x86 (IA-32) hardware bits: control registers, EFLAGS, page-directory and
 * page-table entries, the page-fault error code, and segment descriptors.
 *
 * Every hardware bit Pagoda uses is named here once, with a comment, and this
 * header is safe to include from assembly (.S files) and the linker script.
 * Reference: Intel SDM Vol. 3A, chapters 2 (control registers), 3 (segments)
 * and 4 (paging).
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <pagoda/page.h>      /* PAGE_SHIFT, PAGE_SIZE */

/* ---- CR0 (SDM 3A 2.5) ---- */
#define CR0_PE          0x00000001      /* protection enable: protected mode */
#define CR0_MP          0x00000002      /* monitor coprocessor (WAIT honours TS) */
#define CR0_EM          0x00000004      /* emulate FPU: FPU instructions trap */
#define CR0_TS          0x00000008      /* task switched: lazy FPU state */
#define CR0_ET          0x00000010      /* extension type (always 1 on i486+) */
#define CR0_NE          0x00000020      /* native FPU error reporting (#MF) */
#define CR0_WP          0x00010000      /* write protect: ring 0 obeys read-only pages */
#define CR0_AM          0x00040000      /* alignment mask (with EFLAGS.AC) */
#define CR0_NW          0x20000000      /* not write-through */
#define CR0_CD          0x40000000      /* cache disable */
#define CR0_PG          0x80000000      /* paging enable */

/* ---- CR4 (SDM 3A 2.5) ---- */
#define CR4_VME         0x00000001      /* virtual-8086 mode extensions */
#define CR4_PVI         0x00000002      /* protected-mode virtual interrupts */
#define CR4_TSD         0x00000004      /* RDTSC restricted to ring 0 */
#define CR4_DE          0x00000008      /* debugging extensions */
#define CR4_PSE         0x00000010      /* page size extension: 4 MiB pages */
#define CR4_PAE         0x00000020      /* physical address extension */
#define CR4_MCE         0x00000040      /* machine-check enable */
#define CR4_PGE         0x00000080      /* page global enable: G bit honoured */
#define CR4_PCE         0x00000100      /* RDPMC allowed in ring 3 */
#define CR4_OSFXSR      0x00000200      /* OS supports FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT  0x00000400      /* OS handles SIMD exceptions (#XM) */

/* ---- EFLAGS (SDM 1 3.4.3) ---- */
#define EFLAGS_CF       0x00000001      /* carry */
#define EFLAGS_FIXED    0x00000002      /* reserved, always 1 */
#define EFLAGS_PF       0x00000004      /* parity */
#define EFLAGS_AF       0x00000010      /* adjust */
#define EFLAGS_ZF       0x00000040      /* zero */
#define EFLAGS_SF       0x00000080      /* sign */
#define EFLAGS_TF       0x00000100      /* trap (single step) */
#define EFLAGS_IF       0x00000200      /* interrupts enabled */
#define EFLAGS_DF       0x00000400      /* direction */
#define EFLAGS_OF       0x00000800      /* overflow */
#define EFLAGS_IOPL_MASK 0x00003000     /* I/O privilege level */
#define EFLAGS_NT       0x00004000      /* nested task */
#define EFLAGS_RF       0x00010000      /* resume */
#define EFLAGS_VM       0x00020000      /* virtual-8086 mode */
#define EFLAGS_AC       0x00040000      /* alignment check */
#define EFLAGS_ID       0x00200000      /* CPUID available */

/* ---- Paging geometry, 32-bit two-level paging (SDM 3A 4.3) ----
 *
 *   31            22 21            12 11              0
 *  +----------------+----------------+-----------------+
 *  | directory index|   table index  |  page offset    |
 *  +----------------+----------------+-----------------+
 *
 * With CR4.PSE and PDE_PS set, a directory entry maps a 4 MiB page directly
 * and bits 21..0 are the offset.
 */
#define LARGE_PAGE_SHIFT 22
#define LARGE_PAGE_SIZE (1 << LARGE_PAGE_SHIFT)         /* 4 MiB */
#define PDE_SHIFT       LARGE_PAGE_SHIFT                /* va bits 31..22 */
#define PTE_SHIFT       PAGE_SHIFT                      /* va bits 21..12 */
#define PT_ENTRIES      1024                            /* entries per table */
#define PD_ENTRIES      1024                            /* entries per directory */
#define PTE_INDEX_MASK  (PT_ENTRIES - 1)
#ifndef __ASSEMBLER__
#define PDX(va)         ((uint32_t)(va) >> PDE_SHIFT)                   /* directory index */
#define PTX(va)         (((uint32_t)(va) >> PTE_SHIFT) & PTE_INDEX_MASK) /* table index */
#endif

/* ---- Page-directory and page-table entry bits (SDM 3A table 4-4..4-6) ---- */
#define PTE_P           0x001           /* present */
#define PTE_W           0x002           /* writable */
#define PTE_U           0x004           /* user (ring 3) may access */
#define PTE_PWT         0x008           /* page-level write-through */
#define PTE_PCD         0x010           /* page-level cache disable */
#define PTE_A           0x020           /* accessed (set by the CPU) */
#define PTE_D           0x040           /* dirty (set by the CPU; PTEs only) */
#define PDE_PS          0x080           /* in a PDE: maps a 4 MiB page */
#define PTE_G           0x100           /* global: survives CR3 reload (CR4.PGE) */
#define PTE_AVAIL_MASK  0xE00           /* bits 9..11: ignored by the CPU, ours */
#define PTE_SW_WIRED    0x200           /* bit 9: Pagoda's "wired" (PMAP_WIRED) */
#define PTE_SW_MANAGED  0x400           /* bit 10: holds a reference on its frame (PMAP_MANAGED) */
#define PTE_SW_NOACCESS 0x800           /* bit 11, with P clear: kept, inaccessible (VM_PROT_NONE) */
#define PTE_FRAME_MASK  0xFFFFF000      /* 4 KiB frame address in a PTE or PDE */
#define PDE_LARGE_FRAME_MASK 0xFFC00000 /* 4 MiB frame address in a PS PDE */

/* ---- Page-fault error code, pushed with #PF (SDM 3A 4.7) ---- */
#define PF_ERR_P        0x01            /* 0: page not present; 1: protection violation */
#define PF_ERR_W        0x02            /* 0: read; 1: write */
#define PF_ERR_U        0x04            /* 0: supervisor mode; 1: user mode */
#define PF_ERR_RSVD     0x08            /* a reserved bit was set in a paging entry */
#define PF_ERR_I        0x10            /* instruction fetch (with NX/SMEP) */
#define PF_ERR_PK       0x20            /* protection-key violation */

/* ---- Segment descriptors (SDM 3A 3.4.5) ----
 * A descriptor is 8 bytes; the access byte is bits 47..40 and the flags
 * nibble bits 55..52.
 */
#define SEG_ACC_A       0x01            /* accessed */
#define SEG_ACC_RW      0x02            /* code: readable; data: writable */
#define SEG_ACC_EXEC    0x08            /* code segment */
#define SEG_ACC_S       0x10            /* code or data (0: system segment) */
#define SEG_ACC_DPL(n)  ((n) << 5)      /* descriptor privilege level */
#define SEG_ACC_P       0x80            /* present */
#define SEG_TYPE_TSS32  0x09            /* system type: available 32-bit TSS */
#define SEG_TYPE_TSS32_BUSY 0x0B        /* system type: busy 32-bit TSS */
#define SEG_FLAG_DB     0x4             /* 32-bit default operand size */
#define SEG_FLAG_G      0x8             /* limit counts 4 KiB units */

/* Selector = index << 3 | table indicator | requested privilege level. */
#define SEL_RPL_MASK    0x3
#define SEL_TI_LDT      0x4

/* ---- Interrupt gates (SDM 3A 6.11) ---- */
#define GATE_TYPE_INT32  0x0E           /* 32-bit interrupt gate: clears IF */
#define GATE_TYPE_TRAP32 0x0F           /* 32-bit trap gate: leaves IF */
#define GATE_TYPE_TASK   0x05           /* task gate */
#define GATE_DPL(n)     ((n) << 5)
#define GATE_P          0x80

#endif /* ARCH_MMU_H */
