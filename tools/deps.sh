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

# Fetch Debian's i386 package $1 and unpack it into $2, nothing installed
# (the package lists are updated first if they do not know it).
fetch_i386_deb() {
	echo "deps: fetching Debian's $1:i386 into $2"
	dpkg --print-foreign-architectures | grep -qx i386 || $sudo dpkg --add-architecture i386
	apt-cache policy "$1:i386" 2>/dev/null | grep -q "Candidate: [0-9]" ||
		$sudo apt-get update -qq || echo "deps: apt-get update reported errors; trying the download anyway"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq "$1:i386" 2>/dev/null)
	mkdir -p "$2"
	dpkg-deb -x "$tmp"/"$1"_*_i386.deb "$2"
	rm -rf "$tmp"
}

# The user programs are also built against musl, from Debian's musl-dev:i386.
# Installing that package would pull in the i686 cross compiler, which
# Debian declares in conflict with gcc-multilib; so the package is fetched
# and unpacked under build/, and gcc -m32 uses it through a specs file.
musl_setup() {
	[ -f "$MUSL_ROOT/musl-gcc.specs" ] && return 0
	fetch_i386_deb musl-dev "$MUSL_ROOT"
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
	fetch_i386_deb busybox-static "$BUSYBOX_ROOT"
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
