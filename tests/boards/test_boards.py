#!/usr/bin/env python3
"""The smoke of `make boards` in `make test` (TAP): build/skiff-check-san over about 20 board
device trees of Debian's arm64 kernel package spread across SoC families, 3 corrupted copies of
each (tools/boards.py does the running and judging), one line per tree: not ok if a run crashed,
hung, printed a sanitizer report, exited with neither 0 nor 1, or broke the output contract.
Then the shape of three verdicts: FVP Base RevC is accepted (with one console: line, once
skiff-check prints it), a truncated tree is refused with `skiff-check: TREE: reason`, and so
is a tree whose header claims more bytes than the file has, with --memory (which rewrites
the tree: fdt_open_into() once read past the file's end there, under ASan). And the
Raspberry Pi 4 family (4 B, 400, CM4), always in the sample: accepted with its mini UART as
the console, its GIC-400's four GICv2 frames (GICD, GICC, GICH, GICV) found behind the soc
bus's ranges and kept by skiff, and its four CPUs, which the stock firmware leaves in a
spin-table, all given to the guest with their release addresses kept from it. skiff-check
prints neither the GIC's version nor the cpus' enable-method: those two are read from the
tree (a gic-400 and no GICv3; four spin-table cpus) and tied to what skiff-check prints.

Needs the package in build/linux/dl/ (tools/fetch-linux.sh puts it there; make test does,
through make linux): without it, one not ok. Unpacks its trees into build/boards/dtbs/ once.
Needs make build/skiff-check-san."""

import os
import re
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import boards  # noqa: E402
from harness import Tap  # noqa: E402

SUITE_TIMEOUT = 180
TREES = 20
MUTANTS = 3
SEED = "1"
KNOWN_GOOD = "arm/fvp-base-revc.dtb"

# The Raspberry Pi 4 family: what skiff must find in each (the GIC and console addresses are
# the CPU's, after /soc's ranges: its bus addresses are 0x40041000... and 0x7e215040)
RPI4_TREES = ("broadcom/bcm2711-rpi-4-b.dtb", "broadcom/bcm2711-rpi-400.dtb",
              "broadcom/bcm2711-rpi-cm4-io.dtb")
RPI4_CONSOLE = "console: bcm2835-aux at 0xfe215040 (/soc/serial@7e215040)"
RPI4_GICV2 = {(0xff841000, 0x1000), (0xff842000, 0x2000), (0xff844000, 0x2000),
              (0xff846000, 0x2000)}  # GICD, GICC, GICH, GICV
RPI4_CPUS = "guest@0: cpus 0x0 0x1 0x2 0x3 (all)"
KEEPS_GIC_RE = re.compile(r"^skiff: keeps MMIO (0x[0-9a-f]+)\+(0x[0-9a-f]+) \(the GIC\)$", re.M)
RESERVED_RE = re.compile(r"^reserved: (0x[0-9a-f]+)\+(0x[0-9a-f]+) never given to a guest",
                         re.M)

BUILD = os.path.abspath(os.environ.get("SKIFF_BUILD", os.path.join(ROOT, "build")))


def tree_facts(path):
    """What the tree itself says: [(cpu node name, cpu-release-addr)] of its cpus started by
    spin-table, the number of cpu nodes, and the compatibles of its interrupt controllers."""
    with open(path, "rb") as f:
        root, _ = boards.parse_fdt(f.read())
    cpus = next((n for n in root.children if n.name == "cpus"), None)
    nodes = [n for n in (cpus.children if cpus else []) if n.string("device_type") == "cpu"]
    spin = []
    for n in nodes:
        rel = n.cells("cpu-release-addr")
        if n.string("enable-method") == "spin-table" and rel and len(rel) == 2:
            spin.append((n.name, rel[0] << 32 | rel[1]))
    ics, todo = [], [root]
    while todo:
        n = todo.pop()
        todo.extend(n.children)
        if "interrupt-controller" in n.props and n.string("compatible"):
            ics.append(n.string("compatible"))
    return spin, len(nodes), sorted(ics)


def check_rpi4(tap, r, path, contract):
    """The Raspberry Pi 4 family's verdict: see the module's comment."""
    out = r.orig.run.out if r and r.orig.run else ""
    problems = []
    if not r or r.orig.kind != ("console" if contract else "accepted"):
        problems.append("verdict: %s" % (r.orig if r else "not in the package"))
    if contract and r and r.orig.detail != RPI4_CONSOLE:
        problems.append("console line %r, expected %r" % (r.orig.detail, RPI4_CONSOLE))
    gic = {(int(b, 16), int(s, 16)) for b, s in KEEPS_GIC_RE.findall(out)}
    if gic != RPI4_GICV2:
        problems.append("GIC frames kept: %s, expected GICv2's GICD, GICC, GICH, GICV %s" % (
            sorted("%#x+%#x" % g for g in gic), sorted("%#x+%#x" % g for g in RPI4_GICV2)))
    if RPI4_CPUS not in out.splitlines():
        problems.append("no line %r" % RPI4_CPUS)
    said = [ln for ln in out.splitlines() if ln.startswith("guest@0: GICv")]
    if said and not all(ln.startswith("guest@0: GICv2") for ln in said):
        problems.append("skiff-check says: %s" % "; ".join(said))  # once it prints the version
    spin, ncpus, ics = tree_facts(path)
    # accepted with a gic-400 and no GICv3 in the tree: skiff took it as a GICv2 (skiff-check
    # does not print the version; the four frames it keeps are GICv2's, v3 has GICD + GICR)
    if "arm,gic-400" not in ics or "arm,gic-v3" in ics:
        problems.append("the tree's interrupt controllers: %s (expected a gic-400, no gic-v3)"
                        % ", ".join(ics))
    if ncpus != 4 or len(spin) != 4:
        problems.append("the tree has %d cpus, %d of them by spin-table with a release "
                        "address (expected 4 and 4)" % (ncpus, len(spin)))
    kept = [(int(b, 16), int(s, 16)) for b, s in RESERVED_RE.findall(out)]
    for name, addr in spin:
        if not any(b <= addr and addr + 8 <= b + s for b, s in kept):
            problems.append("%s's cpu-release-addr %#x is not kept from guests (reserved: %s)"
                            % (name, addr, ", ".join("%#x+%#x" % k for k in kept) or "none"))
    # the cpus are the tree's 4 spin-table ones, all given: skiff refuses a spin-table cpu
    # whose cpu-release-addr is not in RAM, and keeps that address from guests
    tap.ok(not problems, "raspberry pi 4: %s accepted, %s, GICv2, 4 cpus by spin-table" % (
        r.rel if r else path, RPI4_CONSOLE if contract else "console unreported"),
        problems + ([out[-2000:]] if problems else []))


def main():
    tap = Tap()
    deb = boards.kernel_deb(fetch=False)
    if not deb:  # a failure, not a skip: make test fetches it (make linux)
        tap.plan(1)
        tap.ok(False, "boards: the kernel package's device trees",
               ["no linux-image-*-arm64 .deb in build/linux/dl/: run make linux "
                "(tools/fetch-linux.sh fetches it)"])
        return tap.done()
    work = os.path.join(BUILD, "boards")
    os.makedirs(work, exist_ok=True)
    dtbs = boards.unpack_dtbs(deb, os.path.join(work, "dtbs"))
    trees = boards.sample(boards.list_trees(dtbs), TREES, must=[KNOWN_GOOD] + list(RPI4_TREES))
    trees = [t for t in trees if tap.want(t)]
    extra = [n for n in ("verdict shape: " + KNOWN_GOOD, "verdict shape: truncated tree",
                         "verdict shape: overstated totalsize with --memory")
             if tap.want(n)]
    rpi4 = [t for t in RPI4_TREES if t in trees]
    tap.plan(len(trees) + len(extra) + len(rpi4))
    if not trees and not extra:
        return 0
    checker = boards.Checker(os.path.join(BUILD, "skiff-check-san"), work, 10)
    tap.diag("%s, %s" % (boards.package_name(deb), checker.mode()))
    ctx = boards.Context(checker, dtbs, work, MUTANTS, SEED, log=tap.diag)
    results = boards.check_trees(ctx, trees + ([KNOWN_GOOD] if extra and KNOWN_GOOD not in
                                               trees else []), boards.MAX_JOBS)
    by_tree = {r.rel: r for r in results}
    for t in trees:
        r = by_tree[t]
        tap.ok(not r.failures, "%s: %s; %d corrupted copies" % (t, r.orig, len(r.mutants)),
               ["%s: %s" % (variant, v.detail) for variant, v, _ in r.failures] +
               ["%s: %s" % (k, w) for k, w, v in r.mutants if not v.ok()])
    for t in rpi4:
        check_rpi4(tap, by_tree.get(t), os.path.join(dtbs, t), checker.contract)

    if "verdict shape: " + KNOWN_GOOD in extra:
        r = by_tree.get(KNOWN_GOOD)
        want = ("console", "silent") if checker.contract else ("accepted",)
        tap.ok(r and r.orig.kind in want, "verdict shape: %s accepted%s" % (
            KNOWN_GOOD, " with one console: line" if checker.contract else ""),
            [str(r.orig) if r else "not in the package", r.orig.run.out[-2000:] if r else ""])
    if "verdict shape: truncated tree" in extra:
        with open(os.path.join(dtbs, KNOWN_GOOD), "rb") as f:
            blob = f.read()
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            cut = os.path.join(tmp, "truncated.dtb")
            with open(cut, "wb") as f:
                f.write(blob[:len(blob) // 2])
            run = boards.run_checker(checker.command(cut, None), 10)
            v = boards.verdict(run, checker.contract, [cut])
        tap.ok(v.kind == "refused" and run.err.startswith("skiff-check: %s: " % cut) and
               v.detail, "verdict shape: a truncated tree is refused naming the tree",
               [str(v), run.err[-2000:]])
    if "verdict shape: overstated totalsize with --memory" in extra:
        with open(os.path.join(dtbs, KNOWN_GOOD), "rb") as f:
            blob = bytearray(f.read())
        blob[4:8] = (len(blob) + 0x20).to_bytes(4, "big")  # totalsize past the file's end
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            bad = os.path.join(tmp, "overstated.dtb")
            with open(bad, "wb") as f:
                f.write(blob)
            cmd = [checker.path, "--memory", "0x80000000:0x40000000", bad]
            run = boards.run_checker(cmd, 10)
        tap.ok(run.rc == 1 and "cannot add a memory node" in run.err and
               "Sanitizer" not in run.err,
               "verdict shape: overstated totalsize with --memory is refused",
               ["exit %s" % run.rc, run.err[-2000:]])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
