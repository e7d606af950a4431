#!/usr/bin/env python3
"""Review reproducers (branch review), each a case that fails on the reviewed tree:

  skiff-reset_flood-smp1   a guest that calls SYSTEM_RESET 300 times in a row: every restart
                           is logged twice with log_guest(), outside the per-guest limit
                           (tests/guests/reset_flood.c says what it checks)
  many-devices-boots       two guests with 30 interrupting devices each, on QEMU's tree plus
                           60 such devices (-dtb): skiff-check says ok, skiff stops at boot
                           ("fatal: guest@1: cannot build stage-2 tables (error -2)"; with the
                           devices in one 2 MiB region: "more than 48 devices with
                           interrupts"). tests/unit/test_review.c is the host-side twin.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, MACHINE, QEMU, Tap, run_qemu  # noqa: E402
import test_guests  # noqa: E402

SUITE_TIMEOUT = 300
SKIFF = os.path.join(BUILD, "skiff.bin")
CHECK = os.path.join(BUILD, "skiff-check")
CONFIG = os.path.join(BUILD, "tests", "config", "rv-many-devices.dtb")
WORK = os.path.join(BUILD, "review")


def host_many(spacing):
    """QEMU virt's own tree plus 60 "review,dev" devices at 0x20000000 + n * spacing, SPI
    100 + n (what tests/unit/config/host-review-many.dts adds to the unit tests' base tree)."""
    os.makedirs(WORK, exist_ok=True)
    dump = os.path.join(WORK, "qemu-virt.dtb")
    subprocess.run([QEMU, "-M", "virt,virtualization=on,gic-version=3,dumpdtb=" + dump,
                    "-cpu", "cortex-a57", "-smp", "2", "-m", "1G", "-nographic", "-nic",
                    "none"], check=True, capture_output=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dump], check=True,
                         capture_output=True, text=True).stdout
    add = "".join('\tdev@%x {\n\t\tcompatible = "review,dev";\n\t\treg = <0x0 0x%x 0x0 0x1000>;'
                  '\n\t\tinterrupts = <0 %d 4>;\n\t};\n' % (a, a, 100 + n)
                  for n, a in ((n, 0x20000000 + n * spacing) for n in range(60)))
    end = dts.rstrip().rfind("};")
    out = os.path.join(WORK, "host-many-%x.dtb" % spacing)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"],
                   input=dts[:end] + add + dts[end:], check=True, text=True)
    return out


def many_devices_case(tap):
    name = "many-devices-boots"
    if not tap.want(name):
        return
    missing = [p for p in (SKIFF, CHECK, CONFIG) if not os.path.exists(p)]
    if missing:
        tap.ok(False, name, ["%s not found: run make, make unit" % p for p in missing])
        return
    host = host_many(0x200000)
    chk = subprocess.run([CHECK, CONFIG, host], capture_output=True, text=True)
    accepted = chk.returncode == 0
    tap.diag("skiff-check: %s" % (chk.stdout.strip().splitlines() or ["?"])[-1])
    r = run_qemu(MACHINE + ["-smp", "2", "-bios", SKIFF, "-dtb", host,
                            "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % CONFIG,
                            "-kernel", os.path.join(BUILD, "guests", "sgi.bin")],
                 timeout=30, name=name, expect=[r"skiff: guest: entering"],
                 stop_on=[r"skiff: guest: entering"], expect_exit=None)
    fatal = re.search(r"^skiff: fatal: .*$", r.console, re.M)
    extra = []
    if accepted and fatal:
        extra.append("skiff-check accepted the configuration, skiff refused it at boot: %s"
                     % fatal.group(0))
    tap.check(name, r, extra)


def main():
    tap = Tap()
    cases = [test_guests.case("reset_flood", 1, None)]
    selected = [fn for n, fn in cases if tap.want(n)]
    wants_many = tap.want("many-devices-boots")
    tap.plan(len(selected) + (1 if wants_many else 0))
    for fn in selected:
        fn(tap)
    many_devices_case(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
