#!/usr/bin/env python3
"""The bare-metal test guests on a GICv2 (TAP): QEMU virt with gic-version=2 (its GICv2 with
the virtualization extensions, as a GIC-400 has them). The guests find the GIC in their device
tree (lib/gicv2.c): gicv2_regs (registers), sgi at -smp 2 and 4 (GICD_SGIR, the source CPU in
GICC_IAR, SPENDSGIR/CPENDSGIR), prio (8-deep nesting past the 4 list registers), timer (the
virtual timer PPI 27), and the passthrough guests pt_uart (PL011 TX, INTID 33) and pt_rtc
(PL031, INTID 34). A case passes as in test_guests.py / test_passthrough.py: the guest's plan
complete, every line ok, no "Bail out!", "# guest NAME done", QEMU's exit 0 in time.

Under skiff (the default): each guest as skiff's guest on virt,virtualization=on,gic-version=2;
the passthrough guests with build/dts/tests/pt-{hw,eoi,oneshot}.dtb and mode= on their command
line.

SKIFF_NATIVE=1: the guests natively, twice each: on virt,virtualization=on,gic-version=2 (the
machine skiff runs on: QEMU enters them at EL2 and the runtime drops to EL1) and on
virt,gic-version=2 (entered at EL1); `# SKIP native` lines count as passes there."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, CPU_ARGS, Tap, run_qemu  # noqa: E402
import test_guests  # noqa: E402
import test_passthrough  # noqa: E402

SUITE_TIMEOUT = 900
GUEST_TIMEOUT = 60

SKIFF = os.path.join(BUILD, "skiff.bin")
GUEST_DIR = os.path.join(BUILD, "guests")
DTB_DIR = os.path.join(BUILD, "dts", "tests")
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")

GUESTS = [("gicv2_regs", 2), ("gicv2_regs", 4), ("sgi", 2), ("sgi", 4), ("prio", 2),
          ("timer", 2)]
PT_GUESTS = ["pt_uart", "pt_rtc"]
PT_MODES = ["hw", "eoi", "oneshot"]
PT_SMP = test_passthrough.SMP
# native machines: the one skiff runs on (entered at EL2), and without EL2 (entered at EL1)
NATIVE_MACHINES = [("el2", "virt,virtualization=on,gic-version=2"), ("el1", "virt,gic-version=2")]
SKIFF_MACHINE = "virt,virtualization=on,gic-version=2"
PREFIX_RE = re.compile(r"^\[guest@\d+\] ", re.M)


def machine(m, acpi_off=False):
    return ["-M", m + (",acpi=off" if acpi_off else "")] + CPU_ARGS


def guest_case(guest, smp, where):
    name = "%s-%s-smp%d" % (where, guest, smp)
    image = os.path.join(GUEST_DIR, guest + ".bin")
    native = where != "skiff"

    def run(tap):
        need = [image] + ([] if native else [SKIFF])
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % p for p in missing])
        if native:
            m = dict(NATIVE_MACHINES)[where.split("-")[1]]
            args = machine(m) + ["-smp", str(smp), "-kernel", image]
        else:
            args = machine(SKIFF_MACHINE) + ["-smp", str(smp), "-bios", SKIFF, "-kernel", image]
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name="gicv2-" + name,
                     expect=[r"^(\[guest@0\] )?1\.\.\d+",
                             r"^(\[guest@0\] )?# guest %s done" % re.escape(guest)])
        console = PREFIX_RE.sub("", r.console)
        fails = test_guests.guest_checks(console, guest, native)
        if not re.search(r"^# guest %s: .*, GICv2$" % re.escape(guest), console, re.M):
            fails.append("the guest did not find a GICv2 in its device tree")
        return tap.check(name, r, fails)
    return name, run


def pt_case(guest, mode, where):
    name = "%s-%s-%s-smp%d" % (where, guest, mode, PT_SMP)
    image = os.path.join(GUEST_DIR, guest + ".bin")
    dtb = os.path.join(DTB_DIR, "pt-%s.dtb" % mode)
    native = mode == "native"

    def run(tap):
        need = [image] if native else [SKIFF, image, dtb]
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % p for p in missing])
        if native:
            m = dict(NATIVE_MACHINES)[where.split("-")[1]]
            args = machine(m, acpi_off=True) + ["-smp", str(PT_SMP), "-kernel", image]
        else:
            args = machine(SKIFF_MACHINE, acpi_off=True) + [
                "-smp", str(PT_SMP), "-bios", SKIFF, "-kernel", image,
                "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % dtb]
        args += ["-append", "mode=%s" % mode]
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name="gicv2-" + name,
                     expect=[r"^1\.\.\d+", r"^# guest %s done" % re.escape(guest)])
        fails = test_passthrough.guest_checks(r.console, guest, mode)
        if not re.search(r"^# guest %s: .*, GICv2$" % re.escape(guest), r.console, re.M):
            fails.append("the guest did not find a GICv2 in its device tree")
        return tap.check(name, r, fails)
    return name, run


def cases():
    if NATIVE:
        out = []
        for m, _ in NATIVE_MACHINES:
            where = "native-" + m
            out += [guest_case(g, s, where) for g, s in GUESTS]
            out += [pt_case(g, "native", where) for g in PT_GUESTS]
        return out
    return [guest_case(g, s, "skiff") for g, s in GUESTS] + \
        [pt_case(g, m, "skiff") for g in PT_GUESTS for m in PT_MODES]


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in cases() if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
