#!/usr/bin/env bash
# tools/run.sh - `make run`: boots build/skiff.bin as QEMU virt firmware, interactively.
#
#   tools/run.sh [NAME=VALUE ...] [-- extra qemu args]      (or set NAME in the environment)
#     CPUS=2  MEM=1G  KERNEL=Image  INITRD=initrd.img  APPEND="console=ttyAMA0"
#     CONFIG=config.dtb   (given to skiff as fw_cfg file opt/skiff/config.dtb)
#     EXTRA="more qemu args"  BUILD=build  QEMU=qemu-system-aarch64
#   e.g.  make run CPUS=4 KERNEL=/boot/vmlinuz APPEND="console=ttyAMA0 earlycon"
#
# The console and the QEMU monitor share the terminal: Ctrl-A X quits, Ctrl-A C switches to
# the monitor and back.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

extra_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; extra_args+=("$@"); break ;;
	CPUS=* | MEM=* | KERNEL=* | INITRD=* | APPEND=* | CONFIG=* | EXTRA=* | BUILD=* | QEMU=*)
		declare "${1%%=*}=${1#*=}" ;;
	-h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) extra_args+=("$1") ;;
	esac
	shift
done

CPUS=${CPUS:-2}
MEM=${MEM:-1G}
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
image="$BUILD/skiff.bin"

die() { echo "run.sh: $*" >&2; exit 1; }
[ -f "$image" ] || die "$image not found: run make"
for v in KERNEL INITRD CONFIG; do
	f=${!v:-}
	[ -z "$f" ] || [ -f "$f" ] || die "$v=$f: no such file"
done

cmd=("$QEMU" -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp "$CPUS" -m "$MEM"
	-nographic -serial mon:stdio -nic none -bios "$image")
[ -n "${KERNEL:-}" ] && cmd+=(-kernel "$KERNEL")
[ -n "${INITRD:-}" ] && cmd+=(-initrd "$INITRD")
[ -n "${APPEND:-}" ] && cmd+=(-append "$APPEND")
[ -n "${CONFIG:-}" ] && cmd+=(-fw_cfg "name=opt/skiff/config.dtb,file=$CONFIG")
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
