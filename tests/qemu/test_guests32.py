#!/usr/bin/env python3
"""The AArch32 test guest (tests/guests/rt32.c, built with arm-none-eabi-gcc, a zImage header)
under skiff and natively (TAP). Under skiff (the virt example configuration, as for
test_guests.py) skiff recognises the zImage magic, clears HCR_EL2.RW and enters the guest as
Linux's 32-bit boot protocol says; every check must pass, no SKIP. Natively the same image runs
on QEMU 7.2's 32-bit CPU model (`-M virt,gic-version=3 -cpu cortex-a15`: TCG, EL1, QEMU's PSCI
over HVC; `aarch64=off` is KVM-only), where `# SKIP native` lines count as passes. Each case has
a timeout, runs with -nic none and leaves no QEMU behind (harness.run_qemu)."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, MACHINE, Tap, machine, run_qemu  # noqa: E402
from test_guests import guest_checks, rel  # noqa: E402

SUITE_TIMEOUT = 300
GUEST_TIMEOUT = 60
SKIFF = os.path.join(BUILD, "skiff.bin")
GUEST = "rt32"
NATIVE_CPU = ["-cpu", "cortex-a15"]  # QEMU takes the last -cpu

THUMB_DTB = os.path.join(BUILD, "dts", "tests", "aarch32-thumb.dtb")

# (guest, native, vCPUs): rt32_thumb is rt32 entered in Thumb state at its first byte, which
# only skiff's arch = "aarch32-thumb" (dts/tests/aarch32-thumb.dts) does (QEMU's loader: ARM)
CASES = [(GUEST, False, 2), (GUEST, False, 4), (GUEST, True, 2), ("rt32_thumb", False, 2)]


def case(guest, native, smp):
    name = "%s-%s-smp%d" % ("native" if native else "skiff", guest, smp)
    image = os.path.join(BUILD, "guests", guest + ".bin")
    config = THUMB_DTB if guest == "rt32_thumb" else None

    def run(tap):
        need = [image] + ([] if native else [SKIFF]) + ([config] if config else [])
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        if native:
            args = machine(native=True) + NATIVE_CPU + ["-smp", str(smp), "-kernel", rel(image)]
        else:
            args = MACHINE + ["-smp", str(smp), "-bios", rel(SKIFF), "-kernel", rel(image)]
        if config:
            args += ["-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(config)]
        r = run_qemu(args, timeout=GUEST_TIMEOUT, name=name,
                     expect=[r"^1\.\.\d+", r"^# guest %s done" % re.escape(guest)])
        fails = guest_checks(r.console, guest, native)
        if not native and not re.search(r"AArch32 kernel at 0x", r.console):
            fails.append("skiff did not log the guest as AArch32")
        return tap.check(name, r, fails)
    return name, run


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in (case(g, nat, s) for g, nat, s in CASES) if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
