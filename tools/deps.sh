#!/bin/sh
# Install the Debian packages Pagoda needs, if any is missing.
# `make run` and `make test` call this first; when everything is already
# installed it prints nothing and takes one dpkg-query.
set -eu

PACKAGES="make gcc gcc-multilib binutils qemu-system-x86 grub-pc-bin grub-common xorriso mtools
	clang libclang-rt-14-dev python3"
MUSL_ROOT=build/musl    # Debian's musl-dev:i386, unpacked (see musl_setup)
BUSYBOX_ROOT=build/busybox      # Debian's busybox-static:i386, unpacked (busybox_setup)

installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null |
	awk '$NF == "installed" { print $1 }')
missing=""
for p in $PACKAGES; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# The user programs are also built against musl, from Debian's musl-dev:i386.
# Installing that package would pull in the i686 cross compiler, which
# Debian declares in conflict with gcc-multilib; so the package is fetched
# and unpacked under build/, and gcc -m32 uses it through a specs file.
musl_setup() {
	[ -f "$MUSL_ROOT/musl-gcc.specs" ] && return 0
	echo "deps: fetching Debian's musl-dev:i386 into $MUSL_ROOT"
	dpkg --print-foreign-architectures | grep -qx i386 || $sudo dpkg --add-architecture i386
	$sudo apt-get update -qq || echo "deps: apt-get update reported errors; trying the download anyway"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq musl-dev:i386 2>/dev/null)
	mkdir -p "$MUSL_ROOT"
	dpkg-deb -x "$tmp"/musl-dev_*_i386.deb "$MUSL_ROOT"
	rm -rf "$tmp"
	root=$(cd "$MUSL_ROOT" && pwd)
	# Debian's specs, with its paths moved under $root, the static
	# start files, and -m elf_i386 (its link spec replaces gcc's).
	sed -e "s#/usr/#$root/usr/#g" -e 's#Scrt1\.o#crt1.o#' \
	    -e 's#crtbeginS\.o#crtbegin.o#' -e 's#crtendS\.o#crtend.o#' \
	    -e 's#^-dynamic-linker#-m elf_i386 -dynamic-linker#' \
	    "$root/usr/lib/i386-linux-musl/musl-gcc.specs" > "$MUSL_ROOT/musl-gcc.specs"
}

# Debian's static busybox for i386, unpacked the same way: the initramfs
# carries it as /bin/busybox (the job-control session of make test).
busybox_setup() {
	[ -x "$BUSYBOX_ROOT/bin/busybox" ] && return 0
	echo "deps: fetching Debian's busybox-static:i386 into $BUSYBOX_ROOT"
	dpkg --print-foreign-architectures | grep -qx i386 || $sudo dpkg --add-architecture i386
	apt-cache policy busybox-static:i386 2>/dev/null | grep -q "Candidate: [0-9]" ||
		$sudo apt-get update -qq || echo "deps: apt-get update reported errors; trying the download anyway"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq busybox-static:i386 2>/dev/null)
	mkdir -p "$BUSYBOX_ROOT"
	dpkg-deb -x "$tmp"/busybox-static_*_i386.deb "$BUSYBOX_ROOT"
	rm -rf "$tmp"
}

if [ -z "$missing" ]; then
	musl_setup
	busybox_setup
	exit 0
fi

echo "deps: installing from Debian:$missing"
# `apt-get update` can fail for one index (a foreign architecture's security
# list, say) while every package we need is still available: go on, and let
# the install itself decide.
$sudo apt-get update -qq || echo "deps: apt-get update reported errors; trying the install anyway"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"
musl_setup
busybox_setup
