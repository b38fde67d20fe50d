/* Presenting what the boot loader told us; see <pagoda/bootinfo.h>. */
#include <pagoda/bootinfo.h>
#include <pagoda/log.h>

const char *boot_mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:   return "usable";
	case BOOT_MEM_RESERVED: return "reserved";
	case BOOT_MEM_ACPI:     return "ACPI data";
	case BOOT_MEM_NVS:      return "ACPI NVS";
	case BOOT_MEM_BAD:      return "unusable";
	default:                return "reserved (unknown type)";
	}
}

void boot_info_print_memory_map(void)
{
	uint64_t usable = 0;

	if (boot_info.has_mmap)
		pr_info("Physical RAM map, as given by %s:\n",
			boot_info.loader_name[0] ? boot_info.loader_name : "the boot loader");
	else
		pr_info("Physical RAM map, estimated from mem_lower/mem_upper (no map given):\n");
	for (size_t i = 0; i < boot_info.nranges; i++) {
		const struct boot_mem_range *r = &boot_info.ranges[i];

		pr_info("  [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)r->base,
			(unsigned long long)(r->base + r->len - 1), boot_mem_type_name(r->type));
		if (r->type == BOOT_MEM_USABLE)
			usable += r->len;
	}
	pr_info("  %llu KiB usable in %zu ranges\n", (unsigned long long)(usable / 1024), boot_info.nranges);
}
