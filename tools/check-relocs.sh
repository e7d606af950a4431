#!/usr/bin/env bash
# tools/check-relocs.sh - fails the build if skiff.elf needs any dynamic relocation other
# than R_AARCH64_RELATIVE (the only kind boot.S applies) or R_AARCH64_NONE (ignored).
set -euo pipefail
bad=$(aarch64-linux-gnu-readelf -rW "$1" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE" && $3 != "R_AARCH64_NONE" {print}')
if [ -n "$bad" ]; then
	echo "check-relocs: $1 has relocations boot.S cannot apply:" >&2
	echo "$bad" >&2
	exit 1
fi
