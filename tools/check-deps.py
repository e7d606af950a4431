#!/usr/bin/env python3
"""Checks that skiff's image code depends one way (docs/layers.md); `make lint` runs it.

    tools/check-deps.py [--build DIR] [--graph]

A unit is a source file and the header of the same name (hyp/core/vm.c with hyp/core/vm.h); a
header with no source of its name is a unit of its own. Unit A depends on unit B when a file of A
includes a header of B, or when A's object file uses a symbol that B's object defines (read with
nm from the objects `make all` built, so a function declared in the wrong header still counts).

It fails on:
- an edge that points up the layers: from a folder to one listed above it in LAYERS;
- a cycle: units that depend on each other, directly or round a loop.
The only edges allowed up are ENTRY_UP: the assembly that the CPU enters (reset and exception
vectors) calling the C that handles what it took. --graph prints every unit's edges.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# From the bottom up: a unit may depend on its own folder and the folders before it.
LAYERS = [
    "include",      # freestanding libc headers and skiff's guest ABI (skiff/hvc.h)
    "lib",          # string, printf, log, spinlock
    "arch/arm64",   # the CPU: system registers, stage 2, vCPU context, vectors
    "drivers",      # the physical GIC, timer, UARTs, fw_cfg
    "irq",          # the vGIC, list registers, interrupt sources, passthrough
    "hyp/plan",     # boot planning from the device tree and the configuration
    "hyp/emul",     # what skiff emulates: MMIO regions, its devices, debug and PMU registers
    "hyp/core",     # VMs, vCPUs' state, physical CPUs
    "hyp/exit",     # guest exits handled against a VM: traps, HVC, PSCI
    "hyp/run",      # the run loop: entering guests, taking exceptions and interrupts
    "hyp/guests",   # building, loading and restarting guests
    "hyp",          # main.c
]
SOURCE_DIRS = ["lib", "arch/arm64", "drivers", "irq", "hyp"]
INCLUDE_PATHS = [".", "include", "include/libc"]

# (unit, unit it may call although that is above it): entry from the CPU into C
ENTRY_UP = {
    ("arch/arm64/entry", "hyp/main"),
    ("arch/arm64/entry", "hyp/run/smp"),
    ("arch/arm64/entry", "hyp/run/exception"),
    ("arch/arm64/entry", "hyp/core/fastirq"),
    ("arch/arm64/entry", "hyp/run/irq_fast"),
}
# Files that are one unit although their names differ: the vector table's first slot is the
# arm64 Image header, so boot.S and vectors.S jump into each other by design.
JOINED = {"arch/arm64/boot": "arch/arm64/entry", "arch/arm64/vectors": "arch/arm64/entry"}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(unit):
    """The index in LAYERS of the longest folder that holds unit (include/ with its
    subfolders; any other folder only its own files)."""
    best, best_len = None, -1
    for i, d in enumerate(LAYERS):
        rest = unit[len(d) + 1:]
        if unit.startswith(d + "/") and ("/" not in rest or d == "include") and len(d) > best_len:
            best, best_len = i, len(d)
    return best


def source_files():
    out = []
    for d in SOURCE_DIRS + ["include"]:
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            for n in names:
                if os.path.splitext(n)[1] in (".c", ".h", ".S"):
                    out.append(os.path.relpath(os.path.join(dirpath, n), ROOT))
    return sorted(out)


def unit_of(path):
    u = os.path.splitext(path)[0]
    return JOINED.get(u, u)


def resolve(inc, files):
    for base in INCLUDE_PATHS:
        p = os.path.normpath(os.path.join(base, inc))
        if p in files:
            return p
    return None


def nm_symbols(obj, nm):
    """(defined, used) global symbols of one object file."""
    res = subprocess.run([nm, obj], stdout=subprocess.PIPE, universal_newlines=True, check=True)
    defined, used = set(), set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGSVWC" and parts[1].isupper():
            defined.add(parts[2])
    return defined, used


def build_graph(build, nm):
    files = set(source_files())
    edges = {}  # (a, b) -> reason

    def add(a, b, why):
        if a != b:
            edges.setdefault((a, b), why)

    problems = []
    for f in sorted(files):
        with open(os.path.join(ROOT, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for inc in INCLUDE_RE.findall(text):
            target = resolve(inc, files)
            if target is None:
                continue  # a libfdt or compiler header
            if target != os.path.normpath(inc) and not inc.startswith(("skiff/", "libc/")) \
                    and target.startswith("include/") is False:
                problems.append("%s: #include \"%s\" names %s by another path" % (f, inc, target))
            add(unit_of(f), unit_of(target), "includes %s" % target)
    defs, uses = {}, {}
    for f in sorted(files):
        if not f.endswith((".c", ".S")):
            continue
        obj = os.path.join(build, "obj", f + ".o")
        if not os.path.exists(obj):
            problems.append("%s: no object %s (run make all first)" % (f, obj))
            continue
        d, u = nm_symbols(obj, nm)
        for s in d:
            defs.setdefault(s, unit_of(f))
        uses[unit_of(f)] = u
    for unit, used in uses.items():
        for s in sorted(used):
            if s in defs:
                add(unit, defs[s], "uses %s" % s)
    units = {unit_of(f) for f in files}
    return units, edges, problems


def cycles(units, edges):
    """Strongly connected components of more than one unit (Tarjan's algorithm)."""
    succ = {u: [] for u in units}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        work = [(v, iter(sorted(succ.get(v, []))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(succ.get(w, [])))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--nm", default=os.environ.get("CROSS", "aarch64-linux-gnu-") + "nm")
    ap.add_argument("--graph", action="store_true", help="print every unit's edges")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    units, edges, problems = build_graph(build, args.nm)
    if args.graph:
        for (a, b), why in sorted(edges.items()):
            print("%s -> %s (%s)" % (a, b, why))
    for u in sorted(units):
        if layer_of(u) is None:
            problems.append("%s: in no layer of tools/check-deps.py's LAYERS" % u)
    for (a, b), why in sorted(edges.items()):
        la, lb = layer_of(a), layer_of(b)
        if la is not None and lb is not None and lb > la and (a, b) not in ENTRY_UP:
            problems.append("%s -> %s points up (%s is below %s): %s" %
                            (a, b, LAYERS[la], LAYERS[lb], why))
    down = {e: w for e, w in edges.items() if e not in ENTRY_UP}
    for comp in cycles(units, down):
        ties = ["%s -> %s (%s)" % (a, b, why) for (a, b), why in sorted(down.items())
                if a in comp and b in comp]
        problems.append("cycle between %s: %s" % (", ".join(comp), "; ".join(ties)))
    for p in problems:
        print("check-deps: " + p)
    print("check-deps: %d units, %d edges, %d problem(s)" % (len(units), len(edges),
                                                             len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
