#!/usr/bin/env python3
"""Guest Linux on a GICv2 board's own tree (TAP): QEMU 7.2's xlnx-zcu102 (ZynqMP: 4 Cortex-A53
with 40-bit PAs, a GIC-400 whose 4 KiB frames are aliased over 64 KiB, Cadence UARTs, PSCI over
SMC, RAM from 0, no fw_cfg) with Debian's own zynqmp-zcu102-rev1.0.dtb, out of the same kernel
package as the guest (build/linux/dl/, unpacked under build/boards/dtbs/ by tools/boards.py),
and the same build/skiff.bin as on virt: no per-machine C, no build flag.

The host tree is Debian's, with (made at each run under build/test-logs/, never committed):
  /memory@0   reg <0 0 0 0x80000000>: the 2 GiB QEMU has with -m 2G (QEMU writes the same;
              Debian's tree also lists the board's high DDR, which QEMU does not model)
  /chosen     #address-cells <2>, #size-cells <2>, and two Xen-style multiboot modules,
              module@20000000 ("multiboot,kernel", the guest's Image, with its bootargs) and
              module@28000000 ("multiboot,ramdisk", the initramfs), as U-Boot's `fdt` would
              write them; skiff's built-in default configuration (kernel = "auto") takes them
Its stdout-path (serial0, the Cadence UART at 0xff000000) and its PSCI node (method "smc") are
Debian's. skiff is `-kernel`, so QEMU starts it at EL2 (virtualization=on) at 2 MiB with the
tree at 128 MiB; the guest's Image and initramfs are put at 512 and 640 MiB by QEMU's loader
device (force-raw=on). QEMU's fixups of the -dtb are checked on a dump of the tree as QEMU
passes it: it keeps the memory node, /chosen and the modules, and PSCI over SMC.

The zynqmp UART driver wants its clocks from the platform firmware (PMU firmware over SMC),
which QEMU does not model: natively too, Linux never binds a driver to the Cadence UART and
has no console tty. So the guest's bootargs are
  earlycon=cdns,0xff000000 keep_bootcon skiff.test=1 skiff.out=kmsg skiff.skip=uart,rtc,key,blk
the kernel's boot console stays on the UART, and the initramfs's /init and skiff-test
(tools/mkinitramfs.py) write their lines to /dev/kmsg, so they appear on the UART as kernel log
lines (`[    7.0] skiff-guest: ok 1 - ...`). The checks that apply here: every CPU online
(4, PSCI CPU_ON), cpu1 off and on again (CPU_OFF, CPU_ON), the arch timer ticking on the
guest's GICv2 (GIC-0 in /proc/interrupts), then `poweroff -f` (PSCI SYSTEM_OFF): QEMU exits 0.
Left out, and why: uart (no UART driver, no console input: the line the harness would type
has no reader), rtc (the check is the PL031's; the ZynqMP RTC is another device), key (no
gpio-keys on a PL061 to press over QMP), blk (no virtio-mmio disk on this machine).

Runs, each bounded by RUN_TIMEOUT:
  zcu102-skiff   skiff (-M xlnx-zcu102,virtualization=on -kernel build/skiff.bin), its built-in
                 default configuration taking the guest from the modules
  zcu102-native  with SKIFF_NATIVE=1 instead: the same kernel, initramfs and tree without skiff
                 (-M xlnx-zcu102 -kernel Image -initrd ... -append BOOTARGS -dtb, Linux at EL1),
                 the reference
`tests/linux/test_zcu102.py --dtb OUT` only writes the host tree (for running by hand).
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from harness import BUILD, LOG_DIR, Tap, run_qemu  # noqa: E402
import boards  # noqa: E402
import test_linux  # noqa: E402
from test_versal import DtbError, dump_dtb, prop, tool  # noqa: E402

# Natively Linux reaches its initramfs in about 8 s under TCG and the test sequence takes
# about 3 s more.
RUN_TIMEOUT = 180
SUITE_TIMEOUT = 420

IMAGE = os.path.join(BUILD, "linux", "Image")
INITRD = os.path.join(BUILD, "linux", "initramfs.cpio.gz")
SKIFF = os.path.join(BUILD, "skiff.bin")
DTBS = os.path.join(BUILD, "boards", "dtbs")
BOARD_DTB = os.path.join("xilinx", "zynqmp-zcu102-rev1.0.dtb")
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")

MACHINE = "xlnx-zcu102"
MEM = "2G"
RAM_END = 2 << 30  # DDR low starts at 0; 2 GiB of it with -m 2G
SKIFF_END = 4 << 20  # skiff at 2 MiB, its image (with .bss) under 2 MiB
QEMU_DTB = (128 << 20, 2 << 20)  # where QEMU puts the tree (no -initrd), 2 MiB aligned
KERNEL_ADDR = 0x20000000
INITRD_ADDR = 0x28000000
BOOTARGS = ("earlycon=cdns,0xff000000 keep_bootcon skiff.test=1 skiff.out=kmsg "
            "skiff.skip=uart,rtc,key,blk")

# The guest's checks that apply here (see the docstring), in order.
CHECKS = ["cpus online", "cpu1 offline", "cpu1 online again", "interrupts: arch timer"]
CPUS = 4
# the guest's GICv2 driver (irq-gic) names its chip GIC-0: the timer's line in /proc/interrupts
GUEST_GICV2 = r" GIC-0 27 Level +arch_timer"
# skiff-test's lines through /dev/kmsg: kernel log lines, with the time stamp in front
KMSG = r"^(?:\[ *\d+\.\d+\] )?"
RESULT_RE = re.compile(KMSG + r"skiff-guest: (not ok|ok)\b *(\d*) *-? *(.*?)\s*$", re.M)
PLAN_RE = re.compile(KMSG + r"skiff-guest: 1\.\.(\d+)\s*$", re.M)


def rel(path):
    return test_linux.rel(path)


def machine_args(kind):
    """The machine's QEMU arguments: EL2 for skiff; Linux started at EL1 natively, as on virt.
    Without -nic none QEMU 7.2 looks for a ROM for the default NIC (the four GEMs still warn
    that they have no peer); -audiodev names the DisplayPort's audio backend, which QEMU
    otherwise picks itself (and may try a sound server)."""
    return ["-M", MACHINE + (",virtualization=on" if kind == "skiff" else ""), "-m", MEM,
            "-nic", "none", "-audiodev", "none,id=snd0"]


def board_dtb():
    """Debian's zynqmp-zcu102-rev1.0.dtb from the kernel package in build/linux/dl/."""
    deb = boards.kernel_deb(fetch=False)
    if not deb:
        raise DtbError("no linux-image-*-arm64 .deb in build/linux/dl/ (make linux, or "
                       "tools/fetch-linux.sh --kernel-deb)")
    path = os.path.join(boards.unpack_dtbs(deb, DTBS), BOARD_DTB)
    if not os.path.isfile(path):
        raise DtbError("%s has no %s" % (os.path.basename(deb), BOARD_DTB))
    return path


def modules():
    """(node, compatible, address, file, bootargs) of the guest's multiboot modules."""
    return [("module@%x" % KERNEL_ADDR, "multiboot,kernel", KERNEL_ADDR, IMAGE, BOOTARGS),
            ("module@%x" % INITRD_ADDR, "multiboot,ramdisk", INITRD_ADDR, INITRD, None)]


def check_placement():
    """The modules in RAM, apart, clear of skiff and of QEMU's tree."""
    spans = [("skiff", 0, SKIFF_END), ("QEMU's tree", QEMU_DTB[0], QEMU_DTB[0] + QEMU_DTB[1])]
    for node, _, addr, path, _ in modules():
        end = addr + os.path.getsize(path)
        if end > RAM_END:
            raise DtbError("%s (%s) ends at 0x%x, past RAM's end 0x%x" % (node, rel(path), end,
                                                                         RAM_END))
        for what, lo, hi in spans:
            if addr < hi and lo < end:
                raise DtbError("%s (%s, 0x%x-0x%x) overlaps %s (0x%x-0x%x)" % (
                    node, rel(path), addr, end, what, lo, hi))
        spans.append((node, addr, end))


def build_host_dtb(prefix):
    """Writes PREFIX.dtb (see the docstring). Returns (path, the changes made, one a line)."""
    src = board_dtb()
    dtb = prefix + ".dtb"
    check_placement()
    tool("dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", dtb, src)
    changes = ["%s, %d bytes" % (rel(src), os.path.getsize(src))]
    if prop(dtb, "/psci", "method", "s") != ["smc"]:
        raise DtbError("%s: /psci method is %s, not smc" % (rel(src),
                                                           prop(dtb, "/psci", "method", "s")))
    tool("fdtput", "-t", "x", dtb, "/memory@0", "reg", "0", "0", "0", "%x" % RAM_END)
    changes.append("/memory@0: reg <0 0 0 0x%x>" % RAM_END)
    tool("fdtput", "-t", "i", dtb, "/chosen", "#address-cells", "2")
    tool("fdtput", "-t", "i", dtb, "/chosen", "#size-cells", "2")
    changes.append("/chosen: #address-cells <2>, #size-cells <2>")
    for node, _, _, _, _ in reversed(modules()):  # fdtput adds a node before its siblings
        tool("fdtput", "-c", dtb, "/chosen/" + node)
    for node, kind, addr, path, bootargs in modules():
        size = os.path.getsize(path)
        where = "/chosen/" + node
        tool("fdtput", "-t", "s", dtb, where, "compatible", kind, "multiboot,module")
        tool("fdtput", "-t", "x", dtb, where, "reg", "0", "%x" % addr, "0", "%x" % size)
        if bootargs:
            tool("fdtput", "-t", "s", dtb, where, "bootargs", bootargs)
        changes.append('%s: "%s", "multiboot,module"; reg <0 0x%x 0 0x%x> (%s)%s' % (
            where, kind, addr, size, rel(path), '; bootargs "%s"' % bootargs if bootargs else ""))
    tool("dtc", "-q", "-I", "dtb", "-O", "dts", "-o", os.devnull, dtb)  # still a valid tree
    return dtb, changes


def fixup_failures(ours, qemus):
    """What of our tree QEMU's -dtb fixups did not keep."""
    f = []
    wanted = [("/memory@0", "reg", "x"), ("/chosen", "stdout-path", "s"),
              ("/chosen", "#address-cells", "x"), ("/chosen", "#size-cells", "x")]
    for node, _, _, _, bootargs in modules():
        wanted += [("/chosen/" + node, "compatible", "s"), ("/chosen/" + node, "reg", "x")]
        if bootargs:
            wanted.append(("/chosen/" + node, "bootargs", "s"))
    for c in range(CPUS):
        wanted.append(("/cpus/cpu@%d" % c, "enable-method", "s"))
    for node, name, kind in wanted:
        a, b = prop(ours, node, name, kind), prop(qemus, node, name, kind)
        if a != b:
            f.append("QEMU changed %s/%s: %s -> %s" % (node, name, a, b))
    if prop(qemus, "/psci", "method", "s") != ["smc"]:
        f.append("QEMU's /psci method is %s, not smc" % prop(qemus, "/psci", "method", "s"))
    return f


def qemu_args(kind, dtb):
    if kind == "native":
        return machine_args(kind) + ["-dtb", dtb, "-kernel", IMAGE, "-initrd", INITRD,
                                     "-append", BOOTARGS]
    return machine_args(kind) + ["-dtb", dtb, "-kernel", SKIFF] + [
        a for _, _, addr, path, _ in modules()
        for a in ("-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr))]


def guest_checks(tap, name, r):
    """One TAP line per check of CHECKS, from the guest's result lines; a line no check takes,
    or a plan that disagrees, fails too (test_linux.guest_tap)."""
    for g in test_linux.guest_tap(r.console, CHECKS, RESULT_RE, PLAN_RE):
        extra = []
        if g.check == "cpus online" and g.found:
            m = re.match(r"cpus online: (\d+)", g.desc)
            if not m or int(m.group(1)) != CPUS:
                extra.append("expected %d CPUs online" % CPUS)
        if g.check == "interrupts: arch timer" and g.found and not re.search(GUEST_GICV2,
                                                                             g.desc):
            extra.append("the timer's interrupt is not on a GICv2 (GIC-0) in the guest: "
                         "expected /%s/" % GUEST_GICV2)
        tap.ok(g.ok and not extra, "%s: guest: %s" % (name, g.desc),
               g.diag + extra + ["log: %s" % rel(r.log_path)] +
               (["  " + line for line in r.tail(15)] if not g.found else []))


def run_case(tap, kind, dtb):
    name = "zcu102-" + kind
    args = qemu_args(kind, dtb)

    # the tree as QEMU passes it
    try:
        final = os.path.join(LOG_DIR, name + "-qemu.dtb")
        dump_dtb(final, args, name + "-dumpdtb")
        f = fixup_failures(dtb, final)
    except (DtbError, subprocess.SubprocessError, OSError) as e:
        f = [str(e)]
    tap.ok(not f, "%s: QEMU's fixups of -dtb keep the memory node, /chosen, the modules and "
           "PSCI over SMC" % name, f)

    marks = {}

    def init(q):
        marks["init"] = time.monotonic() - q.start

    expect = [KMSG + r"skiff-guest: init",
              KMSG + r"skiff-guest: test start, .*cmdline: .*%s" % re.escape(BOOTARGS),
              KMSG + r"skiff-guest: done"]
    if kind == "skiff":
        expect = [r"^skiff: skiff .* EL2 hypervisor",
                  r"^skiff: gic: v2 gicd 0xf9010000, gicc 0xf9020000, gich 0xf9040000, "
                  r"gicv 0xf9060000 \(64 KiB aliases\), .*guests get a GICv2",
                  r"^skiff: console: cadence at 0xff000000 \(/axi/serial@ff000000\)",
                  r"^skiff: psci: smc", r"^skiff: all %d cpus up" % CPUS] + expect
    r = run_qemu(args, timeout=RUN_TIMEOUT, name=name, expect=expect,
                 forbid=test_linux.FORBID, actions=[(KMSG + r"skiff-guest: init", init)])
    guest_checks(tap, name, r)
    m = re.search(r"^\[ *(\d+\.\d+)\] skiff-guest: init", r.console, re.M)
    if m:
        tap.diag("%s: the guest's clock at init: %s s" % (name, m.group(1)))
    t_init = marks.get("init")
    tap.check("%s: boot to the initramfs%s, test sequence, poweroff, QEMU exits 0" % (
        name, " in %.1f s" % t_init if t_init is not None else ""), r)
    if kind == "skiff":
        problems = [m.group(0).strip() for m in test_linux.SKIFF_PROBLEM.finditer(r.console)]
        replayed = re.search(r"^skiff: the console is skiff's again", r.console, re.M)
        diag = problems[:20] + ["log: %s" % rel(r.log_path)]
        if not replayed:
            diag.append("no `skiff: the console is skiff's again` line: what skiff logged while "
                        "the guest had the UART was never printed")
        tap.ok(not problems and replayed,
               "%s: skiff logs no unhandled guest access (before, during and after)" % name, diag)
    return r.elapsed, t_init


def main():
    if sys.argv[1:2] == ["--dtb"] and len(sys.argv) == 3:
        out = sys.argv[2]
        dtb, changes = build_host_dtb(out[:-4] if out.endswith(".dtb") else out)
        print("\n".join([dtb] + changes))
        return 0
    tap = Tap()
    kind = "native" if NATIVE else "skiff"
    name = "zcu102-" + kind
    if not tap.want(name):
        return tap.done()
    missing = [p for p in (IMAGE, INITRD) + (() if NATIVE else (SKIFF,))
               if not os.path.isfile(p)]
    if missing:
        tap.ok(False, "zcu102: inputs present",
               ["missing: %s (run `make linux` / `make`)" % " ".join(rel(p) for p in missing)])
        return tap.done()
    os.makedirs(LOG_DIR, exist_ok=True)
    try:
        dtb, changes = build_host_dtb(os.path.join(LOG_DIR, "zcu102-host"))
    except (DtbError, subprocess.SubprocessError, OSError, SystemExit) as e:
        tap.ok(False, "zcu102: host tree from Debian's %s, with the multiboot modules" %
               BOARD_DTB, [str(e)])
        return tap.done()
    tap.ok(True, "zcu102: host tree %s from Debian's %s, with the multiboot modules" % (
        rel(dtb), BOARD_DTB))
    tap.diag(*changes)
    t = run_case(tap, kind, dtb)
    tap.diag("wall time: %s %.1f s (init at %s)" % (
        name, t[0], "%.1f s" % t[1] if t[1] is not None else "-"))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
