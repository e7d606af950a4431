#!/usr/bin/env python3
"""Boot tests of build/skiff.bin (TAP): firmware (-bios), payload (-kernel) and U-Boot (booti)
boots with 1, 2 and 4 CPUs, each up to "no guest to run: powering off" and QEMU exit 0; and
a GICv2 machine's CPUs up, the fatal paths: entered at EL1 (the fatal line on the console stdout-path
names, found with the MMU off), a kernel that is not an arm64 Image or is larger than its
header says; an EL2 fault that stops one CPU. The console: with no device tree, or one whose
/chosen has no stdout-path, skiff writes nothing at all; the opt-in early UART
(build/early/skiff.bin, EARLY_UART=0x09000000) is written in firmware mode only; on QEMU's
xlnx-zcu102 with Debian's own tree skiff prints on its Cadence UART and takes its GIC-400."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, CPU_ARGS, MACHINE, QEMU, ROOT, AnyOrder, Tap, machine, run_qemu  # noqa: E402

SUITE_TIMEOUT = 1000

IMAGE = os.path.join(BUILD, "skiff.bin")
EARLY_IMAGE = os.path.join(BUILD, "early", "skiff.bin")
UBOOT = os.environ.get("UBOOT", "/usr/lib/u-boot/qemu_arm64/u-boot.bin")
BOOT_TIMEOUT = 60
UBOOT_TIMEOUT = 120  # U-Boot counts down 2 s before autoboot; TCG is slow on a loaded host


def rel(path):
    """Paths in the logged command line relative to the repo root, so they can be pasted."""
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def boot_expect(smp, word):
    e = [r"^skiff: skiff .* EL2 hypervisor",
         r"^skiff: boot: %s at 0x[0-9a-f]+, dtb at 0x[0-9a-f]+" % word,
         r"^skiff: memory: 0x40000000-0x7fffffff",
         AnyOrder([r"^skiff: cpu%d: mpidr 0x[0-9a-f]+\b" % n for n in range(smp)]),
         r"^skiff: gic: v3 gicd 0x8000000\b",
         r"^skiff: timer: ",
         r"^skiff: console: pl011 at 0x9000000 \(/pl011@9000000\)",
         r"^skiff: psci: smc"]
    if smp > 1:
        e.append(AnyOrder([r"^skiff: cpu%d: up\b" % n for n in range(1, smp)]))
    e += [r"^skiff: all %d cpus up\b" % smp,
          r"^skiff: no guest to run: powering off"]
    return e


def cpu_checks(result, smp):
    """One mpidr line per CPU, no more, the MPIDRs distinct, each secondary up once."""
    lines = re.findall(r"^skiff: cpu(\d+): mpidr (0x[0-9a-f]+)", result.console, re.M)
    f = []
    ids = sorted(int(n) for n, _ in lines)
    if ids != list(range(smp)):
        f.append("cpu mpidr lines for cpus %r, expected 0..%d once each" % (ids, smp - 1))
    mpidrs = [int(m, 16) for _, m in lines]
    if len(set(mpidrs)) != len(mpidrs):
        f.append("duplicate MPIDRs: %r" % [hex(m) for m in mpidrs])
    # cpu0 may report itself up too; each secondary exactly once.
    ups = sorted(int(n) for n in re.findall(r"^skiff: cpu(\d+): up\b", result.console, re.M))
    if [n for n in ups if n != 0] != list(range(1, smp)) or ups.count(0) > 1:
        f.append("cpu up lines for cpus %r, expected 1..%d once each" % (ups, smp - 1))
    return f


def boot_case(smp, path):
    img = rel(IMAGE)
    if path == "firmware":
        args, word, timeout = ["-bios", img], "firmware", BOOT_TIMEOUT
    elif path == "payload":
        args, word, timeout = ["-kernel", img], "payload", BOOT_TIMEOUT
    else:
        args, word, timeout = ["-bios", UBOOT, "-kernel", img], "payload", UBOOT_TIMEOUT
    name = "boot-%s-smp%d" % (path, smp)

    def run(tap):
        if path == "uboot" and not os.path.exists(UBOOT):
            return tap.ok(False, name, ["%s not found (apt-get install u-boot-qemu, or "
                                        "tools/setup.sh)" % UBOOT])
        r = run_qemu(MACHINE + ["-smp", str(smp)] + args, timeout=timeout, name=name,
                     expect=boot_expect(smp, word))
        return tap.check(name, r, cpu_checks(r, smp) if r.missing is None else [])
    return name, run


def fatal_case(name, args, expect):
    def run(tap):
        # skiff halts the CPU after a fatal message: stop there (0.3 s later, to see whether
        # anything follows), and accept any exit status in case it powers off instead.
        r = run_qemu(args, timeout=BOOT_TIMEOUT, name=name, expect=[expect],
                     stop_on=r"skiff: fatal", forbid=[r"Unhandled exception", r"panic"],
                     expect_exit=None, linger=0.5)
        return tap.check(name, r)
    return name, run


def silent_case(name, args, halts):
    """skiff writes not one byte on the console. args: QEMU's arguments, or a function that
    makes them when the case runs. halts: skiff stops (it has nothing to print a fatal line
    on) and QEMU is still running 3 s later; else it goes on to power off, exit 0."""
    def run(tap):
        r = run_qemu(args() if callable(args) else args, timeout=3 if halts else BOOT_TIMEOUT,
                     name=name, forbid=[r"\S"], expect_exit=None if halts else 0)
        f = []
        if halts:
            if not r.timed_out:
                f.append("QEMU exited (status %s): skiff was to halt" % r.exit_code)
            r.timed_out = False  # running until killed is what a halt looks like here
        return tap.check(name, r, f)
    return name, run


def dump_virt(name, extra=()):
    """QEMU virt's own tree for MACHINE plus extra arguments, dumped (1 MiB, padded) to
    build/test-logs/NAME; its path."""
    work = os.path.join(BUILD, "test-logs")
    os.makedirs(work, exist_ok=True)
    dump = os.path.join(work, name)
    subprocess.run([QEMU] + machine(options="dumpdtb=" + dump) + list(extra) + ["-nographic"],
                   check=True, capture_output=True, timeout=30)
    return dump


def no_stdout_path_dtb():
    """QEMU virt's own tree for MACHINE, compacted, without /chosen/stdout-path."""
    dump = dump_virt("qemu-virt-dump.dtb")
    out = os.path.join(os.path.dirname(dump), "qemu-virt-no-stdout-path.dtb")
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", out, dump], check=True,
                   timeout=30)
    subprocess.run(["fdtput", "-d", out, "/chosen", "stdout-path"], check=True, timeout=30)
    return out


def cadence_case():
    """A board's own tree on a second console kind: QEMU's xlnx-zcu102 (ZynqMP: Cadence UART,
    GIC-400) with Debian's zynqmp-zcu102-rev1.0.dtb. skiff prints on the Cadence UART its
    stdout-path names (turning the transmitter on: QEMU resets it off), takes the GIC-400 with
    its 64 KiB aliases and brings up the four Cortex-A53s (a level-0 stage-2 walk is not
    allowed with their 40-bit PAs: tests/linux/test_zcu102.py boots a guest there)."""
    name = "cadence-console-zcu102-gicv2"

    def run(tap):
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        import boards  # noqa: E402
        deb = boards.kernel_deb(fetch=False)
        if not deb:
            return tap.ok(False, name, ["no linux-image-*-arm64 .deb in build/linux/dl/ "
                                        "(tools/fetch-linux.sh --kernel-deb)"])
        dtb = os.path.join(boards.unpack_dtbs(deb, os.path.join(BUILD, "boards", "dtbs")),
                           "xilinx", "zynqmp-zcu102-rev1.0.dtb")
        r = run_qemu(["-M", "xlnx-zcu102,virtualization=on", "-m", "2G", "-nic", "none",
                      "-audiodev", "none,id=snd0", "-kernel", rel(IMAGE), "-dtb", dtb],
                     timeout=BOOT_TIMEOUT, name=name,
                     expect=[r"^skiff: skiff .* EL2 hypervisor",
                             r"^skiff: gic: v2 gicd 0xf9010000, gicc 0xf9020000, gich 0xf9040000, "
                             r"gicv 0xf9060000 \(64 KiB aliases\), maintenance intid 25",
                             r"^skiff: all 4 cpus up"],
                     stop_on=r"skiff: (fatal|all 4 cpus up)", forbid=[r"Unhandled exception", r"panic"],
                     expect_exit=None, linger=0.5)
        return tap.check(name, r)
    return name, run


def console_cases():
    """No machine knowledge in the image: no tree or no stdout-path, no output; the early UART
    of an EARLY_UART build written in firmware mode and never in payload mode."""
    img, early = rel(IMAGE), rel(EARLY_IMAGE)

    def no_dtb(image):
        return MACHINE + ["-device", "loader,file=%s,addr=0x40200000,cpu-num=0" % image]

    def plain_tree(*args):
        return lambda: MACHINE + list(args) + ["-dtb", no_stdout_path_dtb()]

    c = [silent_case("no-dtb-writes-nothing", no_dtb(img), True),
         silent_case("early-uart-silent-in-payload-mode-no-dtb", no_dtb(early), True),
         silent_case("early-uart-silent-in-payload-mode", plain_tree("-kernel", early), False),
         silent_case("no-stdout-path-writes-nothing", plain_tree("-bios", img), False)]
    name = "early-uart-written-in-firmware-mode"

    def run(tap):
        r = run_qemu(plain_tree("-bios", early)(), timeout=BOOT_TIMEOUT, name=name,
                     expect=[r"^skiff: skiff .* EL2 hypervisor",
                             r"^skiff: console: none \(",
                             r"^skiff: no guest to run: powering off"])
        return tap.check(name, r)
    c.append((name, run))
    return c


def el2_fault_case():
    """An unexpected exception at EL2 is reported (ESR/ELR/FAR, CPU, registers) and stops only
    the CPU that took it: the diagnostic fw_cfg switch makes cpu1 read an unmapped address
    (0xdead0000, in x0). The boot CPU counts cpu1 stopped only once its report is in the log,
    and waits for the console before it powers the machine off: every line must be out. (When
    cpu1 said "stopped" after it counted as stopped, a run lost its last lines in about one in
    fifty; with the register dump printed after it, one in three.) The case runs four times."""
    name = "el2-fault-stops-one-cpu"
    runs = 4

    def run(tap):
        for i in range(runs):
            r = run_qemu(MACHINE + ["-smp", "2", "-bios", rel(IMAGE),
                                    "-fw_cfg", "name=opt/skiff/selftest,string=el2-fault"],
                         timeout=BOOT_TIMEOUT, name=name,
                         expect=[r"^skiff: selftest: cpu1 will take a data abort at EL2",
                                 r"^skiff: cpu1: up\b",
                                 r"^skiff: cpu1: unexpected exception: sync from EL2, "
                                 r"ESR 0x9[0-9a-f]+ \(EC 0x25 data abort\), ELR 0x[0-9a-f]+, "
                                 r"FAR 0xdead0000",
                                 r"^skiff: cpu1: x0-x3: 00000000dead0000 ",
                                 r"^skiff: cpu1: x28-x30: [0-9a-f]{16} [0-9a-f]{16} "
                                 r"[0-9a-f]{16}, sp [0-9a-f]{16}, spsr [0-9a-f]+$",
                                 r"^skiff: cpu1: stopped$",
                                 r"^skiff: 1 of 2 cpus up$",
                                 r"^skiff: no guest to run: powering off$"])
            if r.failures():
                tap.diag("run %d of %d" % (i + 1, runs))
                break
        return tap.check(name, r)
    return name, run


def entry_check_case():
    """skiff never enters a guest whose stage 2 and traps are not in force on the CPU: the
    diagnostic fw_cfg switch turns stage 2 off on cpu1 just before its first entry, and the
    check on the entry path must refuse to enter (issue 9, defect 1: a set-up skipped on one
    CPU let a guest read skiff and other guests)."""
    name = "entry-check-refuses-a-guest-without-stage2"
    guest = os.path.join(BUILD, "guests", "sgi.bin")

    def run(tap):
        if not os.path.exists(guest):
            return tap.ok(False, name, ["%s not found: run make guests" % rel(guest)])
        r = run_qemu(MACHINE + ["-smp", "2", "-bios", rel(IMAGE), "-kernel", rel(guest),
                                "-fw_cfg", "name=opt/skiff/selftest,string=entry-check"],
                     timeout=BOOT_TIMEOUT, name=name,
                     expect=[r"^skiff: selftest: cpu1 will find stage 2 off before its first "
                             r"guest entry",
                             r"^skiff: fatal: cpu1: guest@0 vcpu1: stage 2 and traps are not "
                             r"in force \(HCR_EL2 0x[0-9a-f]+, VTTBR_EL2 0x[0-9a-f]+\): not "
                             r"entering"],
                     stop_on=r"skiff: fatal", forbid=[r"Unhandled exception", r"panic"],
                     expect_exit=None, linger=0.5)
        return tap.check(name, r)
    return name, run


def bad_kernel_cases():
    """A kernel that is not an arm64 Image, or whose file is larger than the image_size its
    header promises, stops boot with a message naming what is wrong - not a hang."""
    junk = os.path.join(BUILD, "test-logs", "junk-kernel.bin")
    liar = os.path.join(BUILD, "test-logs", "liar-kernel.bin")

    def make_files():
        os.makedirs(os.path.dirname(junk), exist_ok=True)
        with open(junk, "wb") as f:
            f.write(bytes(range(256)) * 64)
        hdr = bytearray(64)
        hdr[0x10:0x18] = (4096).to_bytes(8, "little")  # image_size: 4 KiB
        hdr[0x38:0x3c] = b"ARM\x64"
        with open(liar, "wb") as f:
            f.write(bytes(hdr) + bytes(8192))  # but 8 KiB of file

    def case(name, path, expect):
        def run(tap):
            make_files()
            return fatal_case(name, MACHINE + ["-smp", "1", "-bios", rel(IMAGE), "-kernel",
                                               rel(path)], expect)[1](tap)
        return name, run
    return [case("fatal-kernel-not-an-image", junk,
                 r"^skiff: fatal: guest@0: kernel is not an arm64 Image"),
            case("fatal-kernel-larger-than-image-size", liar,
                 r"^skiff: fatal: guest@0: kernel file \(8256 bytes\) is larger than its "
                 r"image_size \(4096\): corrupt")]


def host_many_devices():
    """QEMU virt's own tree plus 60 interrupting devices at 0x20000000 + n * 2 MiB, SPI 100 + n:
    what tests/unit/config/host-many-devices.dts adds to the unit tests' base tree."""
    dump = dump_virt("qemu-virt-smp2.dtb", ["-smp", "2"])
    work = os.path.dirname(dump)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dump], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    add = "".join('\tdev@%x {\n\t\tcompatible = "test,dev";\n\t\treg = <0x0 0x%x 0x0 0x1000>;'
                  '\n\t\tinterrupts = <0 %d 4>;\n\t};\n' % (a, a, 100 + n)
                  for n, a in ((n, 0x20000000 + n * 0x200000) for n in range(60)))
    end = dts.rstrip().rfind("};")
    out = os.path.join(work, "host-many-devices.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"],
                   input=dts[:end] + add + dts[end:], check=True, text=True, timeout=30)
    return out


def check_agrees_case(config):
    """What skiff-check says of a configuration is what skiff does at boot on the same tree:
    accepted, the guests are entered; refused, boot stops with the same message. The configs
    are tests/unit/config/asg-<config>.dts on QEMU's tree plus 60 devices: 48 devices with
    interrupts (accepted), and 60 or 48 each in its own 2 MiB, past the pool of stage-2 tables
    (issue 9 review: both used to pass the check and stop boot)."""
    name = "check-agrees-with-boot-" + config
    cfg = os.path.join(BUILD, "tests", "config", "asg-%s.dtb" % config)
    check = os.path.join(BUILD, "skiff-check")
    guest = os.path.join(BUILD, "guests", "sgi.bin")

    def run(tap):
        missing = [p for p in (cfg, check, guest) if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make, make unit, make guests"
                                        % rel(p) for p in missing])
        host = host_many_devices()
        chk = subprocess.run([check, cfg, host], capture_output=True, text=True, timeout=30)
        verdict = (chk.stdout + chk.stderr).strip().splitlines()[-1:] or ["?"]
        tap.diag("skiff-check: " + verdict[0])
        if chk.returncode == 0:
            expect, stop = [r"^skiff: guest: entering"], r"^skiff: guest: entering"
            forbid = [r"skiff: fatal"]
        else:
            msg = verdict[0].split(": ", 2)[-1]
            expect, stop = [r"^skiff: fatal: config: " + re.escape(msg) + "$"], r"skiff: fatal"
            forbid = []
        r = run_qemu(MACHINE + ["-smp", "2", "-bios", rel(IMAGE), "-dtb", host,
                                "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % cfg,
                                "-kernel", rel(guest)],
                     timeout=BOOT_TIMEOUT, name=name, expect=expect,
                     stop_on=stop, forbid=forbid,
                     expect_exit=None, linger=1.0)
        return tap.check(name, r)
    return name, run


def gicv2_case():
    """QEMU virt with a GICv2 (-smp 4): skiff drives it (its distributor, each CPU's banked
    registers and CPU interface, the hyp timer through it on every CPU), says so, and powers off
    with no guest to run."""
    name = "gicv2-firmware-smp4"

    def run(tap):
        r = run_qemu(["-M", "virt,virtualization=on,gic-version=2"] + CPU_ARGS +
                     ["-smp", "4", "-bios", rel(IMAGE)],
                     timeout=BOOT_TIMEOUT, name=name,
                     expect=[r"^skiff: gic: v2 gicd 0x8000000, gicc 0x8010000, gich 0x8030000, "
                             r"gicv 0x8040000, maintenance intid 25; guests get a GICv2 \(no "
                             r"system-register interface\)",
                             r"^skiff: cpu3: up, mpidr 0x3, hyp timer interrupt ok",
                             r"^skiff: all 4 cpus up", r"^skiff: no guest to run: powering off"],
                     forbid=[r"Unhandled exception", r"panic", r"skiff: fatal"], expect_exit=0)
        return tap.check(name, r)
    return name, run


def cases():
    img = rel(IMAGE)
    c = [boot_case(smp, path) for smp in (1, 2, 4) for path in ("firmware", "payload", "uboot")]
    c.append(gicv2_case())
    c.append(fatal_case("fatal-el1",
                        machine(native=True) + ["-kernel", img],
                        r"^skiff: fatal: .*EL2"))
    c.append(el2_fault_case())
    c.append(entry_check_case())
    c += [check_agrees_case(n) for n in ("devices-48", "many-devices", "stage2-full")]
    c += bad_kernel_cases()
    c += console_cases()
    c.append(cadence_case())
    return c


def main():
    tap = Tap()
    selected = [(n, fn) for n, fn in cases() if tap.want(n)]
    tap.plan(len(selected))
    if selected and not os.path.exists(IMAGE):
        for n, _ in selected:
            tap.ok(False, n, ["%s not found: run make" % rel(IMAGE)])
        return tap.done()
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
