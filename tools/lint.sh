#!/usr/bin/env bash
# tools/lint.sh - `make lint`: clang-format, cppcheck, Python syntax and -Werror builds; exits
# non-zero on any finding and says which check found it. Writes only under build/.
#
# Files: every tracked or untracked (not ignored) .c/.h under arch lib hyp irq drivers tests tools
# include. cppcheck runs twice: the image sources as the image is compiled, and the host-test
# sources (tests/, tools/, and the image files that tests/unit/*.mk compile for the host) with
# -DSKIFF_HOST_TEST. Suppress a justified cppcheck finding in place with
# `// cppcheck-suppress <id>` on the line before it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
dirs=(arch lib hyp irq drivers tests tools include)
jobs=$(nproc 2>/dev/null || echo 2)

existing_dirs=()
for d in "${dirs[@]}"; do [ -d "$d" ] && existing_dirs+=("$d"); done

list_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard -- "${existing_dirs[@]}" |
			tr '\0' '\n'
	else
		find "${existing_dirs[@]}" -type f
	fi | grep -E '\.(c|h)$' | grep -v "^$BUILD/" | sort -u | while IFS= read -r f; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done
}

mapfile -t files < <(list_files)
failed=()

# ---- 1. clang-format
echo "lint: clang-format (${#files[@]} files)"
if [ "${#files[@]}" -gt 0 ]; then
	if ! clang-format --dry-run --Werror "${files[@]}"; then
		failed+=("clang-format (fix with: clang-format -i FILE)")
	fi
fi

# ---- 2. cppcheck
cppcheck_common=(--enable=warning,style,performance,portability --error-exitcode=1
	--inline-suppr --std=c11 --quiet --template=gcc -j "$jobs" -I. -Iinclude/libc
	--suppress=missingIncludeSystem --suppress=unmatchedSuppression)

# Image .c files that tests/unit/*.mk also build for the host (their NAME_SRCS lines).
mapfile -t host_srcs < <(sed -n 's/^[A-Za-z0-9_]*_SRCS[[:space:]]*[:+]*=//p' tests/unit/*.mk \
	2>/dev/null | tr ' \t' '\n\n' | grep -E '\.c$' | sort -u || true)

img_c=() host_c=()
for f in "${files[@]}"; do
	case "$f" in
	*.h) ;;
	tests/* | tools/*) host_c+=("$f") ;;
	*) img_c+=("$f") ;;
	esac
done
for f in "${host_srcs[@]}"; do [ -f "$f" ] && host_c+=("$f"); done

run_cppcheck() { # name, build-dir, args...
	local name=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	echo "lint: cppcheck $name"
	if ! cppcheck "${cppcheck_common[@]}" --cppcheck-build-dir="$dir" "$@"; then
		failed+=("cppcheck $name")
	fi
}
if [ "${#img_c[@]}" -gt 0 ]; then
	run_cppcheck "image (${#img_c[@]} files)" "$BUILD/cppcheck/image" --platform=unix64 \
		-D__aarch64__ -DSKIFF_VERSION='"lint"' -DFW_DTB_ADDR=0x40000000 \
		-DEARLY_UART=0x09000000 "${img_c[@]}"
fi
if [ "${#host_c[@]}" -gt 0 ]; then
	run_cppcheck "host tests (${#host_c[@]} files)" "$BUILD/cppcheck/host" --platform=native \
		-DSKIFF_HOST_TEST "${host_c[@]}"
fi

# ---- 3. Python scripts (harness, runner) at least compile
mapfile -t pyfiles < <(git ls-files --cached --others --exclude-standard -- tools tests 2>/dev/null |
	grep -E '\.py$' || true)
if [ "${#pyfiles[@]}" -gt 0 ]; then
	echo "lint: python syntax (${#pyfiles[@]} files)"
	if ! python3 -c 'import sys
for f in sys.argv[1:]:
    compile(open(f, encoding="utf-8").read(), f, "exec")' "${pyfiles[@]}"; then
		failed+=("python syntax")
	fi
fi

# ---- 4. -Werror builds (the Makefile's flags carry -Wall -Wextra -Werror)
echo "lint: make all unit (-Werror)"
if ! make --no-print-directory -s all unit; then
	failed+=("build (make all unit)")
fi

# ---- 5. dependencies point one way (docs/layers.md): no include or symbol up the layers, no
# cycle between files; reads the objects step 4 built
echo "lint: dependencies (tools/check-deps.py)"
if ! deps_out=$(python3 tools/check-deps.py --build "$BUILD"); then
	printf '%s\n' "$deps_out"
	failed+=("dependencies (python3 tools/check-deps.py)")
fi

if [ "${#failed[@]}" -gt 0 ]; then
	echo "lint: FAILED: ${failed[*]}"
	exit 1
fi
echo "lint: clean"
