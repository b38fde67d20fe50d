/*
 * vmmap [PID]: the address space as a picture in text, top to bottom:
 * the kernel half, unreachable from ring 3, then each region with its
 * size, protection, resident pages and shared pages (those another
 * address space maps too: copy-on-write after fork, or MAP_SHARED), and
 * the gaps between. It reads all of that from /proc/PID/smaps, which the
 * kernel makes from the regions and their page tables.
 */
#include "procfile.h"

#define MAX_REGIONS 256
#define KB_PER_PAGE 4

struct region {
	uint32_t start, end;
	char perms[5], name[64];
	long long rss_kb, shared_kb;
};

static void size_text(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= (1u << 30) && bytes % (1u << 20) == 0)
		snprintf(buf, size, "%.1f GiB", bytes / (double)(1u << 30));
	else if (bytes >= (1u << 20))
		snprintf(buf, size, "%.1f MiB", bytes / (double)(1u << 20));
	else
		snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes >> 10));
}

/* A maps line (start-end perms offset dev inode [name]) opens each
 * region's block of smaps; the kB lines of the block follow it. */
static int read_regions(int pid, struct region *r)
{
	static char smaps[128 * 1024];       /* 256 regions of about 420 bytes */
	char path[64];
	int n = 0;

	snprintf(path, sizeof(path), pid ? "/proc/%d/smaps" : "/proc/self/smaps", pid);
	if (read_file(path, smaps, sizeof(smaps)) < 0) {
		fprintf(stderr, "vmmap: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (char *line = strtok(smaps, "\n"); line; line = strtok(NULL, "\n")) {
		struct region *cur = &r[n];
		long long kb;

		cur->name[0] = '\0';
		if (n < MAX_REGIONS && sscanf(line, "%x-%x %4s %*s %*s %*s %63s", &cur->start,
					      &cur->end, cur->perms, cur->name) >= 3) {
			cur->rss_kb = cur->shared_kb = 0;
			n++;
		} else if (n > 0 && (kb = field(line, "Rss")) >= 0) {
			r[n - 1].rss_kb = kb;
		} else if (n > 0 && ((kb = field(line, "Shared_Clean")) >= 0 ||
				     (kb = field(line, "Shared_Dirty")) >= 0)) {
			r[n - 1].shared_kb += kb;
		}
	}
	return n;
}

#define EDGE "+--------------------------------------------------------------------+"

/* A box's edge at address va, and a line inside it (":" sides for a gap). */
static void edge(uint32_t va)
{
	printf("0x%08x %s\n", va, EDGE);
}

static void inside(char side, const char *text)
{
	printf("           %c %-66s %c\n", side, text, side);
}

int main(int argc, char **argv)
{
	char line[128];
	static struct region r[MAX_REGIONS];
	int pid = argc > 1 ? atoi(argv[1]) : (int)getpid();
	int n = read_regions(pid, r);
	char size[32];
	uint32_t above = 0xC0000000u;

	printf("address space of pid %d, top to bottom\n", pid);
	edge(0xFFFFFFFFu);
	inside('|', "kernel half: 1 GiB of supervisor pages, unreachable from ring 3");
	for (int i = n - 1; i >= 0; i--) {
		edge(above);
		if (above > r[i].end) {
			size_text(above - r[i].end, size, sizeof(size));
			snprintf(line, sizeof(line), "  unmapped, %s", size);
			inside(':', line);
			edge(r[i].end);
		}
		size_text(r[i].end - r[i].start, size, sizeof(size));
		snprintf(line, sizeof(line), "%-20s %10s %s  resident %5d  shared %5d",
			 r[i].name[0] ? r[i].name : "[anonymous]", size, r[i].perms,
			 (int)(r[i].rss_kb / KB_PER_PAGE), (int)(r[i].shared_kb / KB_PER_PAGE));
		inside('|', line);
		above = r[i].start;
	}
	edge(above);
	if (above > 0) {
		size_text(above, size, sizeof(size));
		snprintf(line, sizeof(line), "  unmapped, %s (page 0 and up: never mapped below 64 KiB)",
			 size);
		inside(':', line);
		edge(0);
	}
	return 0;
}
