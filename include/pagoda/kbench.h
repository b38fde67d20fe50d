/* Kernel microbenchmarks (kern/kbench.c), for make bench. */
#ifndef PAGODA_KBENCH_H
#define PAGODA_KBENCH_H

/* Measure the frame allocator, kmalloc, the pmap and frame copies, printing
 * guest instructions per operation ("bench: ..." lines). */
void kbench_run(void);

#endif /* PAGODA_KBENCH_H */
