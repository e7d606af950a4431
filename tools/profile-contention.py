#!/usr/bin/env python3
"""tools/profile-contention.py - what skiff itself executes in the -smp 4 Linux boot of
`make bench`'s contention rows (section 5b), on multi-threaded TCG, by function.

    tools/profile-contention.py [--quiet] [--top N] [--smp N] [--guest]

The contention rows give QEMU's CPU time under skiff against native; this says where skiff's
own share goes. It boots build/linux/Image with the bench initramfs exactly as tools/bench.py's
linux_boot_once() does (skiff's default configuration, -accel tcg,thread=multi, a busy loop
pinned to one host CPU unless --quiet), with the QEMU plugin bench/plugin/block_count.c, which
counts the instructions of every translation block. skiff's code is its image from its load
address (its log line "skiff: boot: firmware at 0x...") to _end of build/skiff.elf: no guest
can execute there, so those blocks are skiff's. Each is attributed to the function of
build/skiff.elf that holds its first instruction.

Prints the boot's instructions in all, skiff's, and skiff's per function (the top N), with
the blocks of the hottest. A lock that spins stands out: its wait loop is one small block run
millions of times (bench/README.md, "A fifth round": 243 million instructions in two such
loops, before the SGI kick moved out of the lock). --guest also lists the guest's hottest
blocks by address. Under the plugin the boot takes about twice as long; the counts, not the
time, are the point. Exit status 0 when the boot reached the marker and the plugin wrote its
counts.
"""

import argparse
import bisect
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

PLUGIN_SRC = os.path.join(bench.ROOT, "bench", "plugin", "block_count.c")
PLUGIN = os.path.join(bench.BENCH_DIR, "block_count.so")
# blocks the plugin lists one by one: below 4 GiB, where skiff's identity-mapped image is (the
# guest's kernel runs at its own high addresses once its MMU is on)
LISTED = (0, 1 << 32)


def build_plugin():
    """build/bench/block_count.so (host gcc); None or why not."""
    return bench.bench_interference.build_plugin(PLUGIN_SRC, PLUGIN)


def read_counts(path):
    """The plugin's output: (total, {block address: instructions})."""
    total, blocks = None, {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[0] == "total":
                total = int(w[1])
            elif len(w) == 3 and w[0] == "block":
                a = int(w[1], 16)
                blocks[a] = blocks.get(a, 0) + int(w[2])
    if total is None:
        raise ValueError("%s: no 'total' line" % path)
    return total, blocks


def symbols(elf):
    """[(offset, name)] of build/skiff.elf's functions, sorted, and the image's end (_end)."""
    out = subprocess.run([bench.CROSS + "nm", "-n", elf], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    syms, end = [], None
    for line in out.splitlines():
        w = line.split()
        if len(w) != 3:
            continue
        if w[2] == "_end":
            end = int(w[0], 16)
        if w[1] in "tTwW":
            syms.append((int(w[0], 16), w[2]))
    syms.sort()
    if end is None:
        raise ValueError("%s has no _end" % elf)
    return syms, end


def attribute(blocks, load, syms, end):
    """skiff's blocks by function: {name: (instructions, [(instructions, address, offset in
    the function)])}; blocks outside [load, load + end) are left out."""
    keys = [s[0] for s in syms]
    funcs = {}
    for a, n in blocks.items():
        off = a - load
        if off < 0 or off >= end:
            continue
        i = bisect.bisect_right(keys, off) - 1
        name, base = (syms[i][1], syms[i][0]) if i >= 0 else ("?", 0)
        f = funcs.setdefault(name, [0, []])
        f[0] += n
        f[1].append((n, a, off - base))
    return {k: (v[0], sorted(v[1], reverse=True)) for k, v in funcs.items()}


def boot(load_kind, smp, out):
    """One skiff boot to the marker with the plugin; (console, None) or (None, why)."""
    initrd = bench.rel(os.path.join(bench.BENCH_DIR, "initramfs.cpio.gz"))
    args = bench.SKIFF_M_LINUX + ["-bios", bench.rel(bench.SKIFF_BIN), "-smp", str(smp),
                                  "-kernel", bench.rel(bench.LINUX_IMAGE), "-initrd", initrd,
                                  "-append", bench.LINUX_APPEND] + bench.MTTCG + \
        ["-plugin", "%s,lo=%x,hi=%x,out=%s" % (PLUGIN, LISTED[0], LISTED[1], out)]
    burner = bench.cpu_burner(min(os.sched_getaffinity(0))) if load_kind == "loaded" else None
    name = "profile-contention-%s" % load_kind
    try:
        r = bench.run_qemu(args, timeout=2 * bench.LINUX_TIMEOUT, name=name,
                           log_path=os.path.join(bench.LOG_DIR, name + ".log"),
                           expect=[r"^skiff-guest: init", bench.MARKER_RE.pattern])
    finally:
        bench.kill_group(burner, grace=0)
    f = r.failures()
    if f:
        return None, "%s: %s (log %s)" % (name, f[0], bench.rel(r.log_path))
    return r.console, None


def report(total, blocks, load, syms, end, top, guest):
    funcs = attribute(blocks, load, syms, end)
    mine = sum(v[0] for v in funcs.values())
    print("instructions in the boot: %d (%.1f M)" % (total, total / 1e6))
    print("skiff's (its image at 0x%x, %d bytes): %d (%.1f M, %.2f %%)"
          % (load, end, mine, mine / 1e6, 100.0 * mine / total if total else 0))
    print("%12s  %6s  %s" % ("instructions", "share", "function (its hottest blocks: +offset "
                                                         "instructions)"))
    for name, (n, bl) in sorted(funcs.items(), key=lambda kv: -kv[1][0])[:top]:
        hot = ", ".join("+%#x %d" % (o, c) for c, _, o in bl[:3])
        print("%12d  %5.1f%%  %s (%s)" % (n, 100.0 * n / mine if mine else 0, name, hot))
    if guest:
        rest = sorted(((n, a) for a, n in blocks.items()
                       if not load <= a < load + end), reverse=True)[:top]
        print("the guest's hottest blocks below 4 GiB (its code before its MMU is on):")
        for n, a in rest:
            print("%12d  0x%x" % (n, a))
    return mine


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quiet", action="store_true", help="no busy loop beside the boot")
    ap.add_argument("--top", type=int, default=15, help="functions shown")
    ap.add_argument("--smp", type=int, default=bench.CONTENTION_SMP)
    ap.add_argument("--guest", action="store_true", help="also the guest's hottest low blocks")
    a = ap.parse_args()
    for need in (bench.SKIFF_BIN, bench.SKIFF_ELF):
        if not os.path.isfile(need):
            sys.exit("profile-contention: %s missing: run make all" % bench.rel(need))
    why = build_plugin() or bench.prepare_linux()
    if why:
        sys.exit("profile-contention: " + why)
    os.makedirs(bench.LOG_DIR, exist_ok=True)
    out = os.path.join(bench.BENCH_DIR, "block_count.out")
    if os.path.exists(out):
        os.unlink(out)
    console, why = boot("quiet" if a.quiet else "loaded", a.smp, out)
    if why:
        sys.exit("profile-contention: " + why)
    m = re.search(r"skiff: boot: firmware at 0x([0-9a-f]+),", console)
    if not m:
        sys.exit("profile-contention: no 'boot: firmware at' line")
    if not os.path.isfile(out):
        sys.exit("profile-contention: the plugin wrote no counts (%s)" % bench.rel(out))
    total, blocks = read_counts(out)
    syms, end = symbols(bench.SKIFF_ELF)
    report(total, blocks, int(m.group(1), 16), syms, end, a.top, a.guest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
