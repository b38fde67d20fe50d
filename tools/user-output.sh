#!/bin/sh
# What a user program printed, from the serial log of a boot that ran it
# through /init (user/init.c): the lines after "init: running PROGRAM",
# up to and including init's report of how it ended. Used alike on
# Pagoda's logs (tools/test.py) and Linux's (tools/linux-oracle.sh).
# The kernel's own out-of-memory report is not the program's, and its
# details differ between the two kernels: it is left out.
#   tools/user-output.sh LOG
tr -d '\r' < "$1" | sed -n '/init: running /,/^init: \(exit status\|killed by signal\) /p' | sed '1d' |
	grep -v 'Out of memory: Killed process'
