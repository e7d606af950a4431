#!/usr/bin/env python3
"""Guest Linux on a second GICv3 machine (TAP): QEMU 7.2's xlnx-versal-virt (2 Cortex-A72,
GICv3 at 0xf9000000, PL011 at 0xff000000, RAM from 0, no fw_cfg), with the same
build/skiff.bin as on virt: no per-machine C, no build flag.

The host device tree is made here at each run, never committed:
  1. QEMU's own tree for the machine (`-M xlnx-versal-virt,dumpdtb=...`, same -m), compacted
     by `dtc -I dtb -O dtb` (the dump is padded to 1 MiB, which does not boot as -dtb);
  2. with fdtput: a /psci node (arm,psci-1.0 / arm,psci-0.2, method "smc": QEMU's PSCI
     conduit on this machine when it boots a kernel at EL2) and `enable-method = "psci"` on
     each CPU (the dump has neither: QEMU adds them only when it boots a kernel itself);
     /chosen: stdout-path to the PL011, #address-cells and #size-cells 2, and two Xen-style
     multiboot modules for skiff's guest, named by address and sized from the files:
         module@20000000 { compatible = "multiboot,kernel", "multiboot,module";
                           reg = <0 0x20000000 0 SIZE>; bootargs = "..."; }
         module@28000000 { compatible = "multiboot,ramdisk", "multiboot,module";
                           reg = <0 0x28000000 0 SIZE>; }
QEMU loads the two files there with `-device loader,...,force-raw=on` and skiff with
`-kernel` (QEMU takes its Image header for a Linux kernel: it starts it at EL2 with the tree's
address in x0). QEMU's fixups of a -dtb are checked too (a dump of the tree as QEMU passes
it): it keeps the memory node, /chosen and the modules, sets the cpus' enable-method and
replaces /psci by its own (method "smc", with the PSCI 0.1 function IDs).

Where things lie in RAM (0-1 GiB): skiff at 2 MiB (QEMU: RAM base + 2 MiB for an Image whose
text_offset is 0), QEMU's tree at 128 MiB (after where an initrd would go), the kernel module
at 512 MiB and the ramdisk at 640 MiB, clear of both and of where skiff puts the guest's
images (the lowest free 2 MiB of guest RAM, tens of MiB).

Runs, each bounded by RUN_TIMEOUT:
  versal-skiff   skiff, its built-in default configuration taking the guest from the modules
  versal-native  with SKIFF_NATIVE=1 instead: the same kernel, initramfs and tree without
                 skiff (-kernel Image -initrd ... -append BOOTARGS), the reference
The guest runs tools/mkinitramfs.py's skiff-test with the module's bootargs; the suite checks
what applies to this machine: every CPU online (PSCI CPU_ON), cpu1 off and on again, the
PL011's receive interrupt counting, the arch timer ticking, then `poweroff -f` (PSCI
SYSTEM_OFF): QEMU exits 0. There is no PL031, no PL061 power key and no disk on this
machine: the guest leaves those checks out (skiff.skip=rtc,key,blk), and every result line it
prints, its plan too, must agree with CHECKS (test_linux.guest_tap).
`tests/linux/test_versal.py --dtb OUT` only writes the host tree (for running by hand).
"""

import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from harness import BUILD, LOG_DIR, Tap, run_qemu  # noqa: E402
import mkinitramfs  # noqa: E402
import test_linux  # noqa: E402

# Linux reaches its initramfs in about 15 s natively under TCG on a busy 2-core host.
RUN_TIMEOUT = 180
SUITE_TIMEOUT = 420

IMAGE = os.path.join(BUILD, "linux", "Image")
INITRD = os.path.join(BUILD, "linux", "initramfs.cpio.gz")
SKIFF = os.path.join(BUILD, "skiff.bin")
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")

MACHINE = "xlnx-versal-virt"
MEM = "1G"
RAM_END = 1 << 30  # DDR low starts at 0; 1 GiB of it with -m 1G
UART = "/uart@ff000000"  # the first PL011, QEMU's first -serial
SKIFF_END = 4 << 20  # skiff at 2 MiB, its image (with .bss) under 2 MiB
QEMU_DTB = (128 << 20, 2 << 20)  # where QEMU puts the tree (no -initrd), 2 MiB aligned
KERNEL_ADDR = 0x20000000
INITRD_ADDR = 0x28000000
BOOTARGS = "console=ttyAMA0 skiff.test=1 skiff.skip=rtc,key,blk"

# The guest's checks that apply here (see the docstring), in order.
CHECKS = ["cpus online", "cpu1 offline", "cpu1 online again", "uart", "interrupts: arch timer"]
CPUS = 2


class DtbError(Exception):
    pass


def rel(path):
    return test_linux.rel(path)


def machine_args(options=""):
    """The machine's QEMU arguments. Without -nic none QEMU 7.2 looks for a ROM for the
    default NIC; the two GEMs still warn that they have no peer."""
    return ["-M", MACHINE + options, "-m", MEM, "-nic", "none"]


def tool(*cmd):
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    if p.returncode:
        raise DtbError("%s: %s" % (shlex.join(str(c) for c in cmd), p.stdout.strip()))
    return p.stdout


def dump_dtb(path, args, name):
    """Runs QEMU with args and ,dumpdtb=path added to -M (QEMU writes the tree as it would
    pass it, then exits 0)."""
    if os.path.exists(path):
        os.remove(path)
    i = args.index("-M")
    args = args[:i + 1] + [args[i + 1] + ",dumpdtb=" + path] + args[i + 2:]
    r = run_qemu(args, timeout=60, name=name, forbid=[], expect_exit=0)
    if not r.ok or not os.path.isfile(path):
        raise DtbError("QEMU did not dump its tree (%s; log %s)" % (
            "; ".join(r.failures()) or "no file", rel(r.log_path)))


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
    dump, dtb = prefix + "-dump.dtb", prefix + ".dtb"
    check_placement()
    dump_dtb(dump, machine_args(), "versal-dumpdtb")
    tool("dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", dtb, dump)
    changes = ["compacted: %d -> %d bytes" % (os.path.getsize(dump), os.path.getsize(dtb))]
    compat = tool("fdtget", "-t", "s", dtb, UART, "compatible").split()
    if "arm,pl011" not in compat:
        raise DtbError("%s is not a PL011 (compatible %s)" % (UART, compat))

    tool("fdtput", "-p", "-t", "s", dtb, "/psci", "compatible", "arm,psci-1.0", "arm,psci-0.2")
    tool("fdtput", "-t", "s", dtb, "/psci", "method", "smc")
    changes.append('/psci: compatible "arm,psci-1.0", "arm,psci-0.2"; method "smc"')
    cpus = [c for c in tool("fdtget", "-l", dtb, "/cpus").split() if c.startswith("cpu@")]
    if len(cpus) != CPUS:
        raise DtbError("/cpus has %d cpu nodes, expected %d" % (len(cpus), CPUS))
    for c in cpus:
        tool("fdtput", "-t", "s", dtb, "/cpus/" + c, "enable-method", "psci")
    changes.append('/cpus/%s: enable-method "psci"' % ", ".join(cpus))
    tool("fdtput", "-t", "s", dtb, "/chosen", "stdout-path", UART)
    tool("fdtput", "-t", "i", dtb, "/chosen", "#address-cells", "2")
    tool("fdtput", "-t", "i", dtb, "/chosen", "#size-cells", "2")
    changes.append('/chosen: stdout-path "%s", #address-cells <2>, #size-cells <2>' % UART)
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


def prop(dtb, node, name, kind="x"):
    p = subprocess.run(["fdtget", "-t", kind, dtb, node, name], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True, timeout=60)
    return p.stdout.split() if p.returncode == 0 else None


def fixup_failures(ours, qemus):
    """What of our tree QEMU's -dtb fixups did not keep (QEMU replaces /psci: only its method
    matters)."""
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
        return machine_args() + ["-dtb", dtb, "-kernel", IMAGE, "-initrd", INITRD,
                                 "-append", BOOTARGS]
    return machine_args() + ["-dtb", dtb, "-kernel", SKIFF] + [
        a for _, _, addr, path, _ in modules()
        for a in ("-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr))]


def guest_checks(tap, name, r):
    """One TAP line per check of CHECKS, from the guest's result lines; a line no check takes,
    or a plan that disagrees, fails too (test_linux.guest_tap)."""
    for g in test_linux.guest_tap(r.console, CHECKS):
        extra = []
        if g.check == "cpus online" and g.found:
            m = re.match(r"cpus online: (\d+)", g.desc)
            if not m or int(m.group(1)) != CPUS:
                extra.append("expected %d CPUs online" % CPUS)
        tap.ok(g.ok and not extra, "%s: guest: %s" % (name, g.desc),
               g.diag + extra + ["log: %s" % rel(r.log_path)] +
               (["  " + line for line in r.tail(15)] if not g.found else []))


def run_case(tap, kind, dtb):
    name = "versal-" + kind
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

    expect = [r"skiff-guest: init",
              r"skiff-guest: test start, .*cmdline: .*%s" % re.escape(BOOTARGS),
              r"skiff-guest: done"]
    if kind == "skiff":
        expect = [r"^skiff: skiff .* EL2 hypervisor", r"^skiff: console: pl011 at 0xff000000 \(/uart@ff000000\)",
                  r"^skiff: psci: smc", r"^skiff: all %d cpus up" % CPUS] + expect
    r = run_qemu(args, timeout=RUN_TIMEOUT, name=name, expect=expect,
                 forbid=test_linux.FORBID,
                 actions=[(r"skiff-guest: init", init),
                          (r"skiff-guest: uart: type a line",
                           lambda q: q.send(mkinitramfs.UART_LINE + "\n")),
                          (r"skiff-guest: done", lambda q: q.send("\n"))])
    guest_checks(tap, name, r)
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
    name = "versal-" + kind
    if not tap.want(name):
        return tap.done()
    missing = [p for p in (IMAGE, INITRD) + (() if NATIVE else (SKIFF,))
               if not os.path.isfile(p)]
    if missing:
        tap.ok(False, "versal: inputs present",
               ["missing: %s (run `make linux` / `make`)" % " ".join(rel(p) for p in missing)])
        return tap.done()
    os.makedirs(LOG_DIR, exist_ok=True)
    try:
        dtb, changes = build_host_dtb(os.path.join(LOG_DIR, "versal-host"))
    except (DtbError, subprocess.SubprocessError, OSError) as e:
        tap.ok(False, "versal: host tree from QEMU's dump, with PSCI, stdout-path and the "
               "multiboot modules", [str(e)])
        return tap.done()
    tap.ok(True, "versal: host tree %s from QEMU's dump, with PSCI, stdout-path and the "
           "multiboot modules" % rel(dtb))
    tap.diag(*changes)
    t = run_case(tap, kind, dtb)
    tap.diag("wall time: %s %.1f s (init at %s)" % (
        name, t[0], "%.1f s" % t[1] if t[1] is not None else "-"))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
