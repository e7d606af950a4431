#!/usr/bin/env python3
"""SPI passthrough under skiff (TAP): the guests pt_uart (PL011, INTID 33, a line the guest
drives), pt_rtc (PL031 alarm, INTID 34) and pt_gpio (PL061 line 3 = QEMU's power button,
INTID 39, pressed over QMP) run as skiff's guest with each test configuration
build/dts/tests/pt-{hw,eoi,oneshot}.dtb (from dts/tests/, given to skiff through fw_cfg as
opt/skiff/config.dtb), on 2 vCPUs. The guest cannot read skiff's config, so it is told the
mode to expect on its command line (-append "mode=MODE", which skiff passes on in
/chosen/bootargs). A case passes when the guest's plan is complete, every line is ok (SKIPs
only for checks that do not apply to the mode: "# SKIP mode..."), no "Bail out!", the
"# guest NAME done" line appears and QEMU exits 0 (the guest's SYSTEM_OFF) in time.

When pt_gpio prints "# qmp: system_powerdown N" the suite sends QMP system_powerdown (the
machine runs with acpi=off, or QEMU would signal the ACPI GED instead of GPIO line 3).

SKIFF_NATIVE=1 runs the three guests natively once each (mode=native); there counter checks
`# SKIP native` count as passes."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, ROOT, Tap, machine, run_qemu  # noqa: E402

# 9 runs under skiff, each bounded by GUEST_TIMEOUT (they need 2-10 s), plus start-up.
GUEST_TIMEOUT = 60
SUITE_TIMEOUT = 600

SKIFF = os.path.join(BUILD, "skiff.bin")
GUEST_DIR = os.path.join(BUILD, "guests")
DTB_DIR = os.path.join(BUILD, "dts", "tests")
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")
SMP = 2
MODES = ["hw", "eoi", "oneshot"]
GUESTS = ["pt_uart", "pt_rtc", "pt_gpio"]
QMP_PRESSES = 2  # pt_gpio asks for system_powerdown twice


SKIFF_MACHINE = machine(options="acpi=off")
NATIVE_MACHINE = machine(native=True, options="acpi=off")

PLAN_RE = re.compile(r"^1\.\.(\d+)\s*$", re.M)
RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: - (.*))?$", re.M)
SKIP_RE = re.compile(r"#\s*SKIP\b\s*(.*)$", re.I)


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def guest_checks(console, guest, mode):
    """Failures in the guest's own TAP output (empty list if it passed)."""
    native = mode == "native"
    f = []
    plans = PLAN_RE.findall(console)
    if len(plans) != 1:
        f.append("expected one TAP plan from the guest, found %d" % len(plans))
    planned = int(plans[0]) if plans else None
    results = RESULT_RE.findall(console)
    numbers = [int(n) for _, n, _ in results]
    if planned is not None and numbers != list(range(1, planned + 1)):
        f.append("guest planned %d tests, printed results %s" % (planned, numbers[:40]))
    allowed = ("native",) if native else ("mode",)
    for status, n, desc in results:
        skip = SKIP_RE.search(desc or "")
        if status != "ok":
            f.append("guest: not ok %s - %s" % (n, desc))
        elif skip and not skip.group(1).strip().startswith(allowed):
            f.append("guest: skipped %s: ok %s - %s" %
                     ("natively" if native else "under skiff", n, desc))
    if re.search(r"^Bail out!", console, re.M):
        f.append("guest bailed out: %s" % re.search(r"^Bail out!.*$", console, re.M).group(0))
    where = "native" if native else "under skiff"
    if not re.search(r"^# guest %s: %s" % (re.escape(guest), where), console, re.M):
        f.append("the guest did not report running %s" % where)
    if not re.search(r"^ok \d+ - mode=%s on the command line" % re.escape(mode), console,
                     re.M):
        f.append("the guest did not confirm mode=%s from its command line" % mode)
    if not native:
        f += console_checks(console)
    return f


def console_checks(console):
    """The UART is the guest's: skiff prints nothing there from the handover until the last
    guest powers off (it logs to its ring, which the guest reads with SKIFF_HVC_LOG_READ);
    then it takes the UART back, says so, prints what the console missed and, with
    stats-at-exit, its counters."""
    f = []
    lines = console.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("skiff: guest: entering")), None)
    end = next((i for i, l in enumerate(lines)
                if l.startswith("skiff: the console is skiff's again")), None)
    if start is None or end is None:
        return ["no 'skiff: guest: entering' / 'skiff: the console is skiff's again' line"]
    leaked = [l for l in lines[start + 1:end] if l.startswith("skiff:")]
    if leaked:
        f.append("skiff wrote on the guest's UART while the guest owned it: %r" % leaked[:3])
    after = lines[end:]
    if not any(l.startswith("skiff: guest@0: SYSTEM_OFF from vcpu") for l in after):
        f.append("the guest's SYSTEM_OFF, logged while it had the UART, is not printed after it")
    if not any(l.startswith("skiff: guest@0: stats: spi 33 ") for l in after):
        f.append("no 'skiff: guest@0: stats: spi 33 ...' line after the last SYSTEM_OFF")
    return f


def press_action(n):
    def act(q):
        q.qmp("system_powerdown")
    return (r"^# qmp: system_powerdown %d\s*$" % n, act)


def case(guest, mode):
    name = "%s-%s-smp%d" % (guest, mode, SMP)
    image = os.path.join(GUEST_DIR, guest + ".bin")
    dtb = os.path.join(DTB_DIR, "pt-%s.dtb" % mode)

    def run(tap):
        need = [image] if mode == "native" else [SKIFF, image, dtb]
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        if mode == "native":
            args = NATIVE_MACHINE + ["-smp", str(SMP), "-kernel", rel(image)]
        else:
            args = SKIFF_MACHINE + ["-smp", str(SMP), "-bios", rel(SKIFF), "-kernel", rel(image),
                                    "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(dtb)]
        args += ["-append", "mode=%s" % mode]
        gpio = guest == "pt_gpio"
        actions = [press_action(n) for n in range(1, QMP_PRESSES + 1)] if gpio else []
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name="passthrough-" + name, qmp=gpio,
                     actions=actions,
                     expect=[r"^1\.\.\d+", r"^# guest %s done" % re.escape(guest)])
        return tap.check(name, r, guest_checks(r.console, guest, mode), tail=60)
    return name, run


def main():
    tap = Tap()
    modes = ["native"] if NATIVE else MODES
    cases = [case(g, m) for g in GUESTS for m in modes]
    selected = [(n, fn) for n, fn in cases if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
