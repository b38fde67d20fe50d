/* free: memory in use and free, in KiB, from /proc/meminfo, with the low
 * (directly mapped) and high memory lines of `free -l`. */
#include "procfile.h"

int main(void)
{
	static char m[4096];

	if (read_file("/proc/meminfo", m, sizeof(m)) < 0) {
		perror("free: /proc/meminfo");
		return 1;
	}
	long long total = field(m, "MemTotal"), mfree = field(m, "MemFree");
	long long low = field(m, "LowTotal"), lowfree = field(m, "LowFree");
	long long high = field(m, "HighTotal"), highfree = field(m, "HighFree");

	printf("%-7s %12s %12s %12s\n", "", "total", "used", "free");
	printf("%-7s %12lld %12lld %12lld\n", "Mem:", total, total - mfree, mfree);
	printf("%-7s %12lld %12lld %12lld\n", "Low:", low, low - lowfree, lowfree);
	printf("%-7s %12lld %12lld %12lld\n", "High:", high, high - highfree, highfree);
	printf("kernel: heap %lld KiB, slab %lld KiB, page tables %lld KiB, vmalloc %lld KiB\n",
	       field(m, "KernelHeap"), field(m, "Slab"), field(m, "PageTables"),
	       field(m, "VmallocUsed"));
	return 0;
}
