#!/usr/bin/env bash
# tools/fetch-linux.sh - fetches Debian's arm64 Linux and busybox-static for the guest Linux
# end-to-end test and `make run`, all under build/linux/ (never committed):
#
#   build/linux/Image            the raw arm64 Image (with its header; gunzipped if Debian
#                                ships /boot/vmlinuz-* gzip-compressed)
#   build/linux/modules/         the modules the test needs and their dependencies, plain .ko
#                                (decompressed if shipped as .ko.xz), with load-order (one
#                                module file per line, dependencies first) and version
#   build/linux/busybox          the static arm64 busybox
#   build/linux/packages         the Debian packages and versions used
#
# linux-image-arm64 is a meta package: its dependency names the real package
# (linux-image-6.1.0-NN-arm64), which is what is downloaded. The .debs stay in
# build/linux/dl/; the unpacked trees are deleted once the files above are taken from them.
# Idempotent: quick and offline when build/linux/ is complete (FORCE=1 fetches again).
# Needs apt with the arm64 architecture (added here if missing) and python3 (tools/setup.sh).
#
#   tools/fetch-linux.sh --kernel-deb
# only makes sure the kernel package is in build/linux/dl/ (the same download, shared with
# `make boards`, tools/boards.py, which reads its device trees) and prints the .deb's path on
# stdout, all else on stderr; no busybox, nothing unpacked. Quick and offline when the kernel
# package it last named (build/linux/dl/kernel-package) is there.
set -euo pipefail

deb_only=0
case "${1:-}" in
--kernel-deb) # the path alone on stdout (fd 3), the rest on stderr
	deb_only=1
	exec 3>&1 1>&2
	;;
"") ;;
*)
	echo "usage: tools/fetch-linux.sh [--kernel-deb]" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/linux"
dl="$out/dl"
# the modules the guest needs: the virtio-mmio transport, the virtio disk, the power key
# (gpio-keys). PL011, PL031, PL061, GICv3 and virtio core are built in (checked below).
want_modules=(virtio_mmio virtio_blk gpio_keys)
builtin_needed=(gpio-pl061 rtc-pl031 virtio virtio_ring)

say() { echo "fetch-linux: $*"; }
die() { echo "fetch-linux: error: $*" >&2; exit 1; }

if [ "$deb_only" = 0 ] && [ "${FORCE:-0}" = 0 ] && [ -f "$out/.complete" ] &&
	[ -f "$out/Image" ] && [ -f "$out/busybox" ] && [ -f "$out/modules/load-order" ]; then
	exit 0
fi

deb_of() { # PKG -> the .deb of it in dl/ (empty if none)
	local f
	for f in "$dl/$1"_*_arm64.deb; do if [ -f "$f" ]; then echo "$f"; fi; done | tail -n 1
}

# --kernel-deb, offline: the kernel package named when it was last fetched, if still there
if [ "$deb_only" = 1 ] && [ "${FORCE:-0}" = 0 ] && [ -f "$dl/kernel-package" ]; then
	kdeb=$(deb_of "$(head -n 1 "$dl/kernel-package")")
	if [ -n "$kdeb" ]; then
		echo "$kdeb" >&3
		exit 0
	fi
fi

sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)

updated=0
apt_update() {
	[ "$updated" = 1 ] && return 0
	say "apt-get update"
	"${sudo_cmd[@]}" apt-get update -qq
	updated=1
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "dpkg --add-architecture arm64"
	"${sudo_cmd[@]}" dpkg --add-architecture arm64
	apt_update
fi

# The real kernel package behind the meta package: "Depends: linux-image-6.1.0-NN-arm64:arm64"
resolve_kernel() {
	apt-cache depends linux-image-arm64:arm64 2>/dev/null | sed -n \
		's/^ *Depends: \(linux-image-[0-9][^ :]*\)\(:arm64\)\{0,1\}$/\1/p' | head -n 1
}
kpkg=$(resolve_kernel || true)
if [ -z "$kpkg" ]; then
	apt_update
	kpkg=$(resolve_kernel || true)
fi
[ -n "$kpkg" ] || die "apt-cache depends linux-image-arm64:arm64 names no linux-image-* package"
kver=${kpkg#linux-image-}

# apt-get download, with one apt-get update if the lists are missing or stale
mkdir -p "$dl"
try_download() { # PKG:arch ...
	(cd "$dl" && apt-get download -q "$@" >/dev/null 2>"$dl/apt.err")
}
download() {
	try_download "$@" && return 0
	if [ "$updated" = 0 ]; then
		apt_update
		try_download "$@" && return 0
	fi
	cat "$dl/apt.err" >&2
	die "apt-get download $* failed"
}
if [ "${FORCE:-0}" != 0 ]; then
	rm -f "$dl"/*.deb
fi
kdeb=$(deb_of "$kpkg")
if [ -z "$kdeb" ]; then
	say "downloading $kpkg:arm64"
	if ! try_download "$kpkg:arm64"; then
		[ "$updated" = 0 ] || { cat "$dl/apt.err" >&2; die "apt-get download $kpkg failed"; }
		# stale lists may name a kernel the archive no longer has: update, resolve again
		apt_update
		kpkg=$(resolve_kernel || true)
		[ -n "$kpkg" ] || die "apt-cache depends linux-image-arm64:arm64 names no kernel"
		kver=${kpkg#linux-image-}
		[ -n "$(deb_of "$kpkg")" ] || download "$kpkg:arm64"
	fi
	kdeb=$(deb_of "$kpkg")
fi
[ -f "$kdeb" ] || die "downloaded $kpkg not found in $dl"
echo "$kpkg" >"$dl/kernel-package"
if [ "$deb_only" = 1 ]; then
	echo "$kdeb" >&3
	exit 0
fi
bdeb=$(deb_of busybox-static)
if [ -z "$bdeb" ]; then
	say "downloading busybox-static:arm64"
	download busybox-static:arm64
	bdeb=$(deb_of busybox-static)
fi
if [ ! -f "$kdeb" ] || [ ! -f "$bdeb" ]; then
	die "downloaded packages not found in $dl"
fi

rm -f "$out/.complete"
tmp="$out/unpacked"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
say "unpacking $(basename "$kdeb") and $(basename "$bdeb")"
dpkg -x "$kdeb" "$tmp/kernel"
dpkg -x "$bdeb" "$tmp/busybox"

# The Image: Debian 12's /boot/vmlinuz-* on arm64 is either a gzip-compressed Image or the
# Image itself; skiff and the loader paths need the raw Image with its header ("ARM\x64" at 56).
vmlinuz="$tmp/kernel/boot/vmlinuz-$kver"
[ -f "$vmlinuz" ] || die "$kpkg has no /boot/vmlinuz-$kver"
if [ "$(head -c 2 "$vmlinuz" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
	gzip -dc "$vmlinuz" >"$out/Image.tmp"
else
	cp "$vmlinuz" "$out/Image.tmp"
fi
[ "$(dd if="$out/Image.tmp" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] ||
	die "$vmlinuz is not an arm64 Image (no ARM\\x64 magic at offset 56)"
mv "$out/Image.tmp" "$out/Image"
cp "$tmp/kernel/boot/config-$kver" "$out/config"

# Built-in drivers the test relies on
mdir="$tmp/kernel/lib/modules/$kver"
for b in "${builtin_needed[@]}"; do
	grep -q "/$b\.ko\$" "$mdir/modules.builtin" ||
		die "$b is not built into $kpkg (modules.builtin): the test expects it built in"
done

# The modules and their dependencies, from modules.dep if the package has one (Debian's
# generates it with depmod at install time, so usually not), else from each module's
# .modinfo "depends=" (names, comma-separated). Modules may be .ko or .ko.xz.
path_of() { # module name -> path relative to $mdir, or empty
	local n=$1 alt=${1//_/-} f
	for f in $(cd "$mdir" && find kernel -name "$n.ko" -o -name "$n.ko.xz" -o -name "$alt.ko" \
		-o -name "$alt.ko.xz"); do
		echo "$f"
		return
	done
}
deps_of() { # relative module path -> names of the modules it depends on
	local rel=$1 line
	if [ -f "$mdir/modules.dep" ]; then
		line=$(grep -m1 "^$rel:" "$mdir/modules.dep" || true)
		for d in ${line#*:}; do
			d=${d##*/}
			d=${d%.xz}
			echo "${d%.ko}"
		done
		return
	fi
	local f="$mdir/$rel"
	case "$f" in
	*.xz) line=$(xz -dc "$f" | tr '\0' '\n' | grep -m1 '^depends=' || true) ;;
	*) line=$(tr '\0' '\n' <"$f" | grep -m1 '^depends=' || true) ;;
	esac
	line=${line#depends=}
	echo "${line//,/ }"
}
order=()
declare -A seen=()
visit() { # depth first: dependencies before the module
	local n=$1 rel d
	[ -n "${seen[$n]:-}" ] && return
	seen[$n]=1
	rel=$(path_of "$n")
	if [ -z "$rel" ]; then
		grep -q "/$n\.ko\$\|/${n//_/-}\.ko\$" "$mdir/modules.builtin" && return
		die "module $n: not in $kpkg (neither a module nor built in)"
	fi
	for d in $(deps_of "$rel"); do visit "$d"; done
	order+=("$rel")
}
for m in "${want_modules[@]}"; do visit "$m"; done

rm -rf "$out/modules"
mkdir -p "$out/modules"
: >"$out/modules/load-order"
for rel in "${order[@]}"; do
	base=$(basename "$rel")
	case "$base" in
	*.xz) # busybox's insmod/modprobe may not read .xz: decompress at build time
		base=${base%.xz}
		xz -dc "$mdir/$rel" >"$out/modules/$base" ;;
	*) cp "$mdir/$rel" "$out/modules/$base" ;;
	esac
	echo "$base" >>"$out/modules/load-order"
done
echo "$kver" >"$out/modules/version"

cp "$tmp/busybox/bin/busybox" "$out/busybox"
chmod 755 "$out/busybox"

pkg_version() { dpkg-deb --show --showformat='${Package}:${Architecture} ${Version}\n' "$1"; }
{
	echo "linux-image-arm64:arm64 -> $kpkg"
	pkg_version "$kdeb"
	pkg_version "$bdeb"
} >"$out/packages"
touch "$out/.complete"
say "$kpkg ($(dpkg-deb -f "$kdeb" Version)): build/linux/Image $(stat -c %s "$out/Image") bytes," \
	"modules: $(paste -sd' ' "$out/modules/load-order")"
