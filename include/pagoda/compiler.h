/* Compiler helpers used across the tree. */
#ifndef PAGODA_COMPILER_H
#define PAGODA_COMPILER_H

#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __unused        __attribute__((unused))
#define __used          __attribute__((used))
#define __section(s)    __attribute__((section(s)))
#define __aligned(n)    __attribute__((aligned(n)))
#define __packed        __attribute__((packed))

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

/* The structure that embeds *p as its field `member`. */
#define container_of(p, type, member) \
	((type *)((char *)(p) - __builtin_offsetof(type, member)))

/* Arguments in registers (eax, edx, ecx) on i386, for the few hot paths
 * reached through a thin wrapper (kmalloc -> slab_alloc): the link is
 * then a jump, not a copy of the arguments.
 * Nothing to do on the 64-bit host, which passes them so anyway. */
#ifdef __i386__
#define __regparm       __attribute__((regparm(3)))
#else
#define __regparm
#endif

/* A compiler barrier: memory is not cached across it, and a call before
 * it is not a tail call. */
#define barrier()       __asm__ volatile("" ::: "memory")

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#endif /* PAGODA_COMPILER_H */
