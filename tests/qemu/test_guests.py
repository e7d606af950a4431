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
from harness import BUILD, MACHINE, ROOT, Tap, run_qemu  # noqa: E402

SUITE_TIMEOUT = 900

SKIFF = os.path.join(BUILD, "skiff.bin")
GUEST_DIR = os.path.join(BUILD, "guests")
GUEST_TIMEOUT = 60  # each guest needs a few seconds; TCG on a loaded host is slow
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")
NATIVE_MACHINE = ["-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-m", "1G", "-nic", "none"]

# (guest, vCPUs): sgi at 2 and 4; psci needs a third vCPU that only sees a failing CPU_ON.
CASES = [("gic_regs", 2), ("sgi", 2), ("sgi", 4), ("timer", 2), ("prio", 2),
         ("disable_active", 2), ("doorbell", 2), ("abort", 2), ("psci", 3)]

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


def case(guest, smp):
    mode = "native" if NATIVE else "skiff"
    name = "%s-%s-smp%d" % (mode, guest, smp)
    image = os.path.join(GUEST_DIR, guest + ".bin")

    def run(tap):
        missing = [p for p in ([image] if NATIVE else [SKIFF, image]) if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        if NATIVE:
            args = NATIVE_MACHINE + ["-smp", str(smp), "-kernel", rel(image)]
        else:
            args = MACHINE + ["-smp", str(smp), "-bios", rel(SKIFF), "-kernel", rel(image)]
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name=name,
                     expect=[r"^1\.\.\d+", r"^# guest %s done" % re.escape(guest)])
        return tap.check(name, r, guest_checks(r.console, guest, NATIVE))
    return name, run


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in (case(g, s) for g, s in CASES) if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
