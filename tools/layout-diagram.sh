#!/bin/sh
# Print the address-space diagram from its one definition, the comment in
# arch/x86/include/arch/memlayout.h. tools/test.py compares it with the copy
# in docs/memory-layout.md.
cd "$(dirname "$0")/.." &&
awk '/virtual address +what is there/, /never mapped/' arch/x86/include/arch/memlayout.h |
	sed 's/^ \* \{0,1\}//'
