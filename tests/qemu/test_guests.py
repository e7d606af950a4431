#!/usr/bin/env python3
"""Bare-metal EL1 test guests under skiff (TAP): each build/guests/NAME.bin boots as the guest
of build/skiff.bin (QEMU firmware) and prints its own TAP; a case passes when the guest's plan
is complete, every line is ok (no SKIP: those are for native runs only), no "Bail out!", the
"# guest NAME done" line appears and QEMU exits 0 (the guest's PSCI SYSTEM_OFF) in time.

SKIFF_NATIVE=1 runs the same guests natively instead (no skiff, virtualization off, QEMU
enters them at EL1 with its own PSCI over HVC), for comparison: there `# SKIP native` lines
count as passes, for the checks that only mean something under skiff."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, MACHINE, ROOT, Tap, machine, run_qemu  # noqa: E402

SUITE_TIMEOUT = 900

SKIFF = os.path.join(BUILD, "skiff.bin")
GUEST_DIR = os.path.join(BUILD, "guests")
GUEST_TIMEOUT = 60  # each guest needs a few seconds; TCG on a loaded host is slow
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")
NATIVE_MACHINE = machine(native=True)

# (guest, vCPUs, variant): sgi at 2 and 4; psci needs a third vCPU that only sees a failing
# CPU_ON; pmu_debug under -icount (its cycle counter counts instructions), on a PMUv3 that
# skiff traps (cortex-a57), a PMUv3p5 that prohibits EL2 counting itself (max), and with the
# test-only pmu-el2-counting (its guest on skiff's virtual console); reset_flood restarts itself
# 300 times and checks that skiff's lines about it stayed within the per-guest limit.
CASES = [("gic_regs", 2, None), ("sgi", 2, None), ("sgi", 4, None), ("timer", 2, None),
         ("prio", 2, None), ("disable_active", 2, None), ("doorbell", 2, None),
         ("abort", 2, None), ("psci", 3, None), ("pmu_debug", 1, "trapped"),
         ("pmu_debug", 1, "v3p5"), ("pmu_debug", 1, "el2"), ("reset_flood", 1, None)]
ICOUNT = ["-icount", "shift=0,sleep=off"]
PMU_EL2_DTB = os.path.join(BUILD, "dts", "tests", "pmu-el2.dtb")
PREFIX_RE = re.compile(r"^\[guest@\d+\] ", re.M)


def variant_args(variant, native):
    """Extra QEMU arguments of a case's variant (natively: no skiff configuration), and the
    files they need."""
    if variant == "trapped":
        return ICOUNT, []
    if variant == "v3p5":
        return ICOUNT + ["-cpu", "max"], []  # QEMU takes the last -cpu
    if variant == "el2" and not native:
        return ICOUNT + ["-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(PMU_EL2_DTB),
                         "-append", "pmu.el2=1"], [PMU_EL2_DTB]
    if variant == "el2":
        return ICOUNT, []
    return [], []


PLAN_RE = re.compile(r"^1\.\.(\d+)\s*$", re.M)
RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: - (.*))?$", re.M)
SKIP_RE = re.compile(r"#\s*SKIP\b\s*(.*)$", re.I)


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def guest_checks(console, guest, native):
    """Failures in the guest's own TAP output (empty list if it passed)."""
    f = []
    plans = PLAN_RE.findall(console)
    if len(plans) != 1:
        f.append("expected one TAP plan from the guest, found %d" % len(plans))
    planned = int(plans[0]) if plans else None
    results = RESULT_RE.findall(console)
    numbers = [int(n) for _, n, _ in results]
    if planned is not None and numbers != list(range(1, planned + 1)):
        f.append("guest planned %d tests, printed results %s" % (planned, numbers[:40]))
    for status, n, desc in results:
        skip = SKIP_RE.search(desc or "")
        if status != "ok":
            f.append("guest: not ok %s - %s" % (n, desc))
        elif skip and not (native and skip.group(1).strip().startswith("native")):
            f.append("guest: skipped under skiff: ok %s - %s" % (n, desc))
    if re.search(r"^Bail out!", console, re.M):
        f.append("guest bailed out: %s" % re.search(r"^Bail out!.*$", console, re.M).group(0))
    where = "native" if native else "under skiff"
    if not re.search(r"^# guest %s: %s" % (re.escape(guest), where), console, re.M):
        f.append("the guest did not report running %s" % where)
    return f


def case(guest, smp, variant):
    mode = "native" if NATIVE else "skiff"
    name = "%s-%s-smp%d%s" % (mode, guest, smp, "-" + variant if variant else "")
    image = os.path.join(GUEST_DIR, guest + ".bin")

    def run(tap):
        extra, files = variant_args(variant, NATIVE)
        need = [image] + files + ([] if NATIVE else [SKIFF])
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        if NATIVE:
            args = NATIVE_MACHINE + ["-smp", str(smp), "-kernel", rel(image)]
        else:
            args = MACHINE + ["-smp", str(smp), "-bios", rel(SKIFF), "-kernel", rel(image)]
        args += extra
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name=name,
                     expect=[r"^(\[guest@0\] )?1\.\.\d+",
                             r"^(\[guest@0\] )?# guest %s done" % re.escape(guest)])
        # a guest on skiff's virtual console: its lines carry a "[guest@0] " prefix
        console = PREFIX_RE.sub("", r.console)
        return tap.check(name, r, guest_checks(console, guest, NATIVE))
    return name, run


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in (case(g, s, v) for g, s, v in CASES) if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
