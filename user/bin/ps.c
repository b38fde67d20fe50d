/* ps: every process, from /proc/PID/status: its size, resident memory,
 * minor faults and copy-on-write copies; and from smaps_rollup, how much
 * of its resident memory another process maps too (SHR). */
#include "procfile.h"
#include <ctype.h>
#include <dirent.h>

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d) {
		perror("ps: /proc");
		return 1;
	}
	printf("%5s %5s %-2s %8s %8s %8s %7s %7s %s\n", "PID", "PPID", "S", "VSZ", "RSS", "SHR",
	       "MINFLT", "COWCOPY", "CMD");
	while ((e = readdir(d)) != NULL) {
		static char s[4096], rollup[1024], path[300];
		char name[32] = "?", state[4] = "?";

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		if (read_file(path, s, sizeof(s)) < 0)
			continue;               /* gone, or a zombie */
		snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", e->d_name);
		if (read_file(path, rollup, sizeof(rollup)) < 0)
			continue;
		sscanf(s, "Name: %31s State: %3s", name, state);      /* status's first lines */
		printf("%5lld %5lld %-2s %8lld %8lld %8lld %7lld %7lld %s\n", field(s, "Pid"),
		       field(s, "PPid"), state, field(s, "VmSize"), field(s, "VmRSS"),
		       shared_kb(rollup),
		       field(s, "MinFlt"), field(s, "FltCowCopied"), name);
	}
	closedir(d);
	return 0;
}
