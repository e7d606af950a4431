#!/usr/bin/env python3
"""make bench's guest as a smoke test (TAP): build/guests/bench.bin run once per case the way
tools/bench.py runs it (-icount, bench/configs/MODE.dts), passing when its self-checks do (the
interrupt counts against the mode: nothing lost, the hypervisor entries and maintenance exits
each interrupt should take) and, in hw mode, when skiff's EL2 cost per interrupt says the fast
path took it (under FAST_PATH_MAX; the general path costs about 750). About a second a case:

  gicv3-hw     skiff's fast path on a GICv3
  gicv2-hw     QEMU's GICv2, skiff's default there (no HW=1 list registers: two exits each)
  gicv2-hw-lr  QEMU's GICv2 with the test-only gicv2-hw-lrs-on-qemu: HW=1 and the GICv2 fast
               path, as on a GIC-400

The figures themselves are make bench's (bench/README.md); logs in build/test-logs/bench/."""

import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from harness import BUILD, Tap  # noqa: E402
import bench  # noqa: E402

SUITE_TIMEOUT = 300
FAST_PATH_MAX = 150  # EL2 instructions per hw interrupt: about 51 (GICv3), 57 (GICv2)

# (GIC version, column of tools/bench.py, one IRQ exit per interrupt through the fast path)
CASES = [(3, "hw", True), (2, "hw", False), (2, "hw-lr", True)]


def run_case(tap, gic, col, fast):
    name = "gicv%d-%s" % (gic, col)
    missing = [p for p in (bench.SKIFF_BIN, bench.GUEST) if not os.path.isfile(p)]
    if missing:
        return tap.ok(False, name, ["%s not found: run make" % bench.rel(p) for p in missing])
    try:
        kv = bench.guest_run(col, gic=gic)
    except bench.BenchError as e:
        return tap.ok(False, name, [str(e)])
    n = kv["uart.n"]
    per_irq = kv["uart.vcpu0.el2.irq"] / n
    exits = kv["uart.vcpu0.exits.irq"] / n
    fails = []
    if fast and (exits != 1 or per_irq > FAST_PATH_MAX):
        fails.append("not the fast path: %.2f IRQ exits and %.0f EL2 instructions per "
                     "interrupt (want 1 and at most %d)" % (exits, per_irq, FAST_PATH_MAX))
    if not fast and exits != 2:
        fails.append("%.2f IRQ exits per interrupt, want 2 (the SPI, the maintenance "
                     "interrupt)" % exits)
    return tap.ok(not fails, "%s: %.0f EL2 instructions, %.0f IRQ exit(s) per interrupt, "
                  "round trip %d (%.1f s)" % (name, per_irq, exits, kv["uart.roundtrip.median"],
                                              kv["_wall_s"]), fails)


def main():
    bench.LOG_DIR = os.path.join(BUILD, "test-logs", "bench")
    bench.BENCH_DIR = os.path.join(BUILD, "test-logs", "bench")
    os.makedirs(bench.LOG_DIR, exist_ok=True)
    tap = Tap()
    bench.say = lambda msg: tap.diag(msg)  # its progress lines as TAP diagnostics
    selected = [c for c in CASES if tap.want("gicv%d-%s" % (c[0], c[1]))]
    tap.plan(len(selected))
    for gic, col, fast in selected:
        run_case(tap, gic, col, fast)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
