#!/bin/sh
# Install the Debian packages Pagoda needs, if any is missing.
# `make run` and `make test` call this first; when everything is already
# installed it prints nothing and takes one dpkg-query.
set -eu

PACKAGES="make gcc gcc-multilib binutils qemu-system-x86 grub-pc-bin grub-common xorriso mtools
	clang libclang-rt-14-dev"

installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null |
	awk '$NF == "installed" { print $1 }')
missing=""
for p in $PACKAGES; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing from Debian:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# `apt-get update` can fail for one index (a foreign architecture's security
# list, say) while every package we need is still available: go on, and let
# the install itself decide.
$sudo apt-get update -qq || echo "deps: apt-get update reported errors; trying the install anyway"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"
