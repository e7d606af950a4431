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
#     EXAMPLE=linux-aarch32  Linux beside the AArch32 real-time guest, talking over a channel
#                       (dts/linux-aarch32.dts; README "Linux beside a real-time guest"):
#                       CPUS=3, that CONFIG, build/guests/channel32.bin put where its guest@1's
#                       kernel property says, APPEND="console=ttyAMA0 skiff.chan=10000"
#     PRINT=1           print the QEMU command and exit (tests/qemu/test_channel.py runs it)
#   e.g.  make run CPUS=4 APPEND="console=ttyAMA0 skiff.test=1"
#         make run KERNEL=build/guests/sgi.bin
#         make run EXAMPLE=linux-aarch32
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
	CPUS=* | MEM=* | KERNEL=* | INITRD=* | APPEND=* | CONFIG=* | EXTRA=* | BUILD=* | QEMU=* | \
		EXAMPLE=* | PRINT=*)
		declare "${1%%=*}=${1#*=}" ;;
	-h | --help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) extra_args+=("$1") ;;
	esac
	shift
done

BUILD=${BUILD:-build}
die() { echo "run.sh: $*" >&2; exit 1; }
# EXAMPLE=NAME: the configuration dts/NAME.dts, and the bare-metal images its guests' kernel
# properties place in RAM: "file:/guest@N" each (QEMU's loader puts file at that address)
example_images=()
case "${EXAMPLE:-}" in
"") ;;
linux-aarch32)
	CPUS=${CPUS:-3}
	APPEND=${APPEND-console=ttyAMA0 skiff.chan=10000}
	example_images=("$BUILD/guests/channel32.bin:/guest@1")
	;;
*) die "EXAMPLE=$EXAMPLE: no such example (linux-aarch32)" ;;
esac
[ -z "${EXAMPLE:-}" ] || CONFIG=${CONFIG:-$BUILD/dts/$EXAMPLE.dtb}
CPUS=${CPUS:-2}
MEM=${MEM:-1G}
QEMU=${QEMU:-qemu-system-aarch64}
image="$BUILD/skiff.bin"
if [ -z "${KERNEL+set}" ]; then # the guest Linux of `make linux`, with its shell
	KERNEL="$BUILD/linux/Image"
	INITRD=${INITRD-$BUILD/linux/initramfs.cpio.gz}
	APPEND=${APPEND-console=ttyAMA0}
fi

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
for e in "${example_images[@]}"; do
	file=${e%%:*} node=${e#*:}
	[ -f "$file" ] || die "$file: no such file (make guests builds it)"
	# kernel = <addr-hi addr-lo size-hi size-lo> (the example's #address-cells = <2>)
	read -r -a k <<<"$(fdtget -t x "$CONFIG" "$node" kernel)" ||
		die "$CONFIG: no kernel property in $node"
	[ "${#k[@]}" = 4 ] || die "$CONFIG: $node's kernel is not <address size> in 2+2 cells"
	cmd+=(-device "loader,file=$file,addr=0x$(printf '%x' $((0x${k[0]} << 32 | 0x${k[1]}))),force-raw=on")
done
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
[ -z "${PRINT:-}" ] || exit 0
exec "${cmd[@]}"
