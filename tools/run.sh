#!/usr/bin/env bash
# tools/run.sh - `make run`: boots build/skiff.bin as QEMU virt firmware, interactively, with
# Debian's arm64 Linux as its guest and a busybox shell on the console (make linux builds it).
#
#   tools/run.sh [NAME=VALUE ...] [-- extra qemu args]      (or set NAME in the environment)
#     CPUS=2            vCPUs = physical CPUs of the machine (-smp)
#     MEM=1G            RAM (-m)
#     KERNEL=build/linux/Image              the guest kernel (-kernel); KERNEL= for none
#     INITRD=build/linux/initramfs.cpio.gz  (-initrd) default only with the default KERNEL
#     APPEND="console=ttyAMA0"              (-append) default only with the default KERNEL
#     CONFIG=config.dtb (given to skiff as fw_cfg file opt/skiff/config.dtb; default the QEMU
#                       virt example build/dts/qemu-virt.dtb: the built-in one names no device)
#     EXTRA="more qemu args"  BUILD=build  QEMU=qemu-system-aarch64
#   e.g.  make run CPUS=4 APPEND="console=ttyAMA0 skiff.test=1"
#         make run KERNEL=build/guests/sgi.bin
# The machine has acpi=off (so QEMU virt has the PL061 and its power key). Leaving the guest's
# shell powers it off. The console and the QEMU monitor share the terminal: Ctrl-A X quits,
# Ctrl-A C switches to the monitor and back.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

extra_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; extra_args+=("$@"); break ;;
	CPUS=* | MEM=* | KERNEL=* | INITRD=* | APPEND=* | CONFIG=* | EXTRA=* | BUILD=* | QEMU=*)
		declare "${1%%=*}=${1#*=}" ;;
	-h | --help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) extra_args+=("$1") ;;
	esac
	shift
done

CPUS=${CPUS:-2}
MEM=${MEM:-1G}
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
image="$BUILD/skiff.bin"
if [ -z "${KERNEL+set}" ]; then # the guest Linux of `make linux`, with its shell
	KERNEL="$BUILD/linux/Image"
	INITRD=${INITRD-$BUILD/linux/initramfs.cpio.gz}
	APPEND=${APPEND-console=ttyAMA0}
fi

die() { echo "run.sh: $*" >&2; exit 1; }
[ -f "$image" ] || die "$image not found: run make"
for v in KERNEL INITRD CONFIG; do
	f=${!v:-}
	hint=
	case "$f" in "$BUILD"/linux/*) hint=" (make linux builds it)" ;; esac
	[ -z "$f" ] || [ -f "$f" ] || die "$v=$f: no such file$hint"
done

cmd=("$QEMU" -M virt,virtualization=on,gic-version=3,acpi=off -cpu cortex-a57 -smp "$CPUS"
	-m "$MEM" -nographic -serial mon:stdio -nic none -bios "$image")
[ -n "${KERNEL:-}" ] && cmd+=(-kernel "$KERNEL")
[ -n "${INITRD:-}" ] && cmd+=(-initrd "$INITRD")
[ -n "${APPEND:-}" ] && cmd+=(-append "$APPEND")
# skiff's built-in configuration names no machine's devices: on QEMU virt, the virt example
cmd+=(-fw_cfg "name=opt/skiff/config.dtb,file=${CONFIG:-$BUILD/dts/qemu-virt.dtb}")
if [ -n "${EXTRA:-}" ]; then
	read -r -a extra_words <<<"$EXTRA" # split on blanks, as a user would type them
	cmd+=("${extra_words[@]}")
fi
cmd+=("${extra_args[@]}")

# Print the command so it can be pasted: quote only the words that need it.
line=
for w in "${cmd[@]}"; do
	if [[ $w =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then line+="$w "; else line+="$(printf '%q' "$w") "; fi
done
echo "${line% }"
exec "${cmd[@]}"
