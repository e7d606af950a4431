#!/usr/bin/env python3
"""The smoke of `make boards` in `make test` (TAP): build/skiff-check-san over about 20 board
device trees of Debian's arm64 kernel package spread across SoC families, 3 corrupted copies of
each (tools/boards.py does the running and judging), one line per tree: not ok if a run crashed,
hung, printed a sanitizer report, exited with neither 0 nor 1, or broke the output contract.
Then the shape of three verdicts: FVP Base RevC is accepted (with one console: line, once
skiff-check prints it), a truncated tree is refused with `skiff-check: TREE: reason`, and so
is a tree whose header claims more bytes than the file has, with --memory (which rewrites
the tree: fdt_open_into() once read past the file's end there, under ASan).

Runs when tools/fetch-linux.sh has put the package in build/linux/dl/ (make test does), else
skips; unpacks its trees into build/boards/dtbs/ once. Needs make build/skiff-check-san."""

import os
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

BUILD = os.path.abspath(os.environ.get("SKIFF_BUILD", os.path.join(ROOT, "build")))


def main():
    tap = Tap()
    deb = boards.kernel_deb(fetch=False)
    if not deb:
        print("1..0 # SKIP no linux-image-*-arm64 .deb in build/linux/dl/ "
              "(tools/fetch-linux.sh fetches it)")
        return 0
    work = os.path.join(BUILD, "boards")
    os.makedirs(work, exist_ok=True)
    dtbs = boards.unpack_dtbs(deb, os.path.join(work, "dtbs"))
    trees = boards.sample(boards.list_trees(dtbs), TREES, must=[KNOWN_GOOD])
    trees = [t for t in trees if tap.want(t)]
    extra = [n for n in ("verdict shape: " + KNOWN_GOOD, "verdict shape: truncated tree",
                         "verdict shape: overstated totalsize with --memory")
             if tap.want(n)]
    tap.plan(len(trees) + len(extra))
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
