#!/usr/bin/env python3
"""Secondary CPUs released from a spin-table, as the Raspberry Pi 4's firmware leaves them
(TAP; issue 11). build/guests/spin_loader.bin, QEMU's -bios, starts every secondary into its own
WFE pen with QEMU's PSCI and enters skiff (-device loader at 0x40200000) with a device tree whose
cpus all say enable-method = "spin-table", cpu-release-addr = PEN_BASE + 8 * n: QEMU's own tree
for the machine, changed here, with a /memreserve/ over the pen. skiff can only have started them
by writing their release addresses: QEMU answers a PSCI CPU_ON of a CPU in the pen with
ALREADY_ON, and the boot would end "1 of N cpus up". Then a guest runs on every CPU, at
-smp 4: sgi (SGIs between all vCPUs, exact counts) and psci (CPU_OFF and CPU_ON cycles on CPUs
the firmware could not restart: skiff parks them itself).

QEMU runs these under -icount (one TCG thread for all CPUs, time counted in instructions): in
QEMU's default mode (a host thread per CPU) WFE is a no-op, so each CPU in the pen spins on the
host at full speed, and on a loaded 2-core host skiff's boot CPU then missed its 100 ms
hyp-timer check every time at -smp 4; with one thread but real time (-accel tcg,thread=single)
it still did, once in about eight runs under nice. Under -icount that deadline is counted in
the guest's instructions, and WFE hands the turn to the next CPU, as a CPU asleep in WFE would.
shift=5 (32 ns an instruction) keeps the guests' own waits short."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, QEMU, ROOT, Tap, machine, run_qemu  # noqa: E402
from test_guests import PREFIX_RE, guest_checks  # noqa: E402

SUITE_TIMEOUT = 300

SKIFF = os.path.join(BUILD, "skiff.bin")
LOADER = os.path.join(BUILD, "guests", "spin_loader.bin")
WORK = os.path.join(BUILD, "test-logs")
SKIFF_ADDR = 0x40200000  # SKIFF_ADDR in tests/guests/spin_loader.S
PEN_BASE = 0x7ffff000  # PEN_BASE there: the last page of -m 1G
TIMEOUT = 60

CPU_PSCI_RE = re.compile(r'(\tcpu@([0-9a-f]+) \{[^}]*?)enable-method = "psci";')


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


_trees = {}


def spin_table_dtb(smp):
    """QEMU virt's tree for -smp smp with every cpu on the spin-table: the path of its blob
    (made once per run: QEMU takes seconds to start on a loaded host)."""
    if smp in _trees:
        return _trees[smp]
    os.makedirs(WORK, exist_ok=True)
    dump = os.path.join(WORK, "spin-table-qemu-smp%d.dtb" % smp)
    out = os.path.join(WORK, "spin-table-smp%d.dtb" % smp)
    subprocess.run([QEMU] + machine(options="dumpdtb=" + dump) + ["-smp", str(smp),
                   "-nographic"], check=True, capture_output=True, timeout=30)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dump], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    dts, n = CPU_PSCI_RE.subn(lambda m: '%senable-method = "spin-table";\n\t\t\t'
                              'cpu-release-addr = <0x00 0x%x>;'
                              % (m.group(1), PEN_BASE + 8 * int(m.group(2), 16)), dts)
    if n != smp:
        raise RuntimeError("%d cpus with enable-method psci in QEMU's tree, expected %d"
                           % (n, smp))
    dts = dts.replace("/dts-v1/;", "/dts-v1/;\n\n/memreserve/ 0x%x 0x1000;" % PEN_BASE, 1)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"], input=dts,
                   check=True, text=True, timeout=30)
    _trees[smp] = out
    return out


def case(guest, smp):
    name = "spin-table-smp%d-%s" % (smp, guest)
    image = os.path.join(BUILD, "guests", guest + ".bin")

    def run(tap):
        missing = [p for p in (SKIFF, LOADER, image) if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        try:
            dtb = spin_table_dtb(smp)
        except (subprocess.SubprocessError, OSError, RuntimeError) as e:
            return tap.ok(False, name, ["cannot make the spin-table tree: %s" % e])
        args = machine() + ["-icount", "shift=5,sleep=off", "-smp", str(smp),
                            "-bios", rel(LOADER), "-dtb", rel(dtb),
                            "-device", "loader,file=%s,addr=0x%x,force-raw=on"
                            % (rel(SKIFF), SKIFF_ADDR),
                            "-kernel", rel(image)]
        r = run_qemu(args, timeout=TIMEOUT, name=name,
                     expect=[r"^skiff: boot: payload at 0x%x, dtb at 0x40000000" % SKIFF_ADDR,
                             r"^skiff: guest@0: %d vcpus" % smp,
                             r"^skiff: all %d cpus up" % smp,
                             r"^(\[guest@0\] )?# guest %s done" % guest],
                     forbid=[r"skiff: fatal", r"Unhandled exception", r"panic",
                             r"PSCI CPU_ON failed", r"did not come up"])
        console = PREFIX_RE.sub("", r.console)
        return tap.check(name, r, guest_checks(console, guest, False))
    return name, run


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in (case("sgi", 4), case("psci", 4)) if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
