#!/usr/bin/env bash
# tools/setup.sh - installs what skiff's build, tests and runs need on Debian 12.
# Idempotent and quick when everything is present. Touches only apt and build/deps/.
# Host packages come from apt; the image's libfdt (arm64) is unpacked under build/deps
# because installing libfdt-dev:arm64 would remove the host's libfdt-dev.
# The guest Linux (Debian's arm64 kernel, busybox-static) is fetched by tools/fetch-linux.sh
# (make linux); xz-utils is for kernels whose modules are .ko.xz. clang, libfuzzer-14-dev and
# libclang-rt-14-dev (the fuzzer and sanitizer runtimes: only a Recommends of clang) build the
# libFuzzer targets (tests/fuzz/) that make test runs briefly and make fuzz at length.
# gcc-arm-none-eabi builds the AArch32 test guests (tests/guests/lib32/), freestanding, with
# its libgcc only (no newlib). libc6-dev-arm64-cross: glibc for skiff-chan, the static Linux
# program of the inter-guest channel (tests/linux/skiff_chan.c) in the guest's initramfs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
host_pkgs=(make gcc gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm
	device-tree-compiler libfdt-dev libcmocka-dev cppcheck clang-format python3
	u-boot-qemu xz-utils clang libfuzzer-14-dev libclang-rt-14-dev gcc-arm-none-eabi
	libc6-dev-arm64-cross)

sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)

missing=()
for p in "${host_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

updated=0
apt_update() {
	[ "$updated" = 1 ] && return
	"${sudo_cmd[@]}" apt-get update -qq
	updated=1
}

if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	apt_update
	"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

# libfdt for the image: Debian's arm64 static library, unpacked, never installed.
if [ ! -f "$deps/libfdt/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
	echo "setup: fetching libfdt-dev:arm64 for the image"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		"${sudo_cmd[@]}" dpkg --add-architecture arm64
		updated=0
	fi
	apt_update
	mkdir -p "$deps/dl"
	(cd "$deps/dl" && rm -f libfdt-dev_*arm64.deb libfdt1_*arm64.deb &&
		apt-get download -q libfdt-dev:arm64 libfdt1:arm64 >/dev/null)
	rm -rf "$deps/libfdt"
	for d in "$deps"/dl/*.deb; do dpkg -x "$d" "$deps/libfdt"; done
fi
test -f "$deps/libfdt/usr/lib/aarch64-linux-gnu/libfdt.a"
