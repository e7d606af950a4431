#!/usr/bin/env python3
"""Guest Linux end-to-end (TAP): Debian's arm64 kernel with the busybox initramfs of
tools/mkinitramfs.py (build/linux/, made by `make linux`) boots as skiff's guest and runs its
test sequence (kernel command line skiff.test=1): CPUs online (PSCI CPU_ON), CPU hotplug of
cpu1 (CPU_OFF, CPU_ON), the UART's receive interrupt (the suite types a line when the guest
prints `skiff-guest: uart: type a line`), the arch timer, one PL031 alarm interrupt, the power
key (gpio-keys on the PL061: the suite sends QMP system_powerdown when the guest prints
`skiff-guest: qmp system_powerdown`), and a pattern written to a virtio-blk disk and read
back; then `poweroff -f` (PSCI SYSTEM_OFF), so QEMU must exit 0. Afterwards the suite reads
the disk image and checks the pattern is there.

Runs, each bounded by RUN_TIMEOUT:
  skiff-smp2, skiff-smp4   -bios build/skiff.bin, Linux from fw_cfg (-kernel/-initrd/-append)
  multi-smp4               two guests: Linux on CPUs 0-1 (the PL011, PL061 and the virtio
                           transports, so its disk) and the bare-metal lifecycle guest on CPUs
                           2-3 (the PL031, skiff's virtual console), which restarts itself twice
                           (SYSTEM_RESET) and powers off (SYSTEM_OFF) while Linux runs; Linux
                           skips its RTC check (skiff.skip=rtc), everything else as above, and
                           the lifecycle guest's three boots must pass and end before Linux's
                           SYSTEM_OFF
  uboot-smp2               -bios U-Boot -kernel build/skiff.bin, Linux and initramfs put in
                           RAM by QEMU's loader device, skiff configured by
                           dts/tests/linux-uboot.dts (sizes filled in here) through fw_cfg
  skiff-gicv2-smp2,        as skiff-smp2 and skiff-smp4 on virt with gic-version=2: skiff says
  skiff-gicv2-smp4         it drives a GICv2 and gives the guest one (its GICD emulated, its
                           GICC the hardware's GICV); every check above applies, since virt's
                           devices are the same, and the guest's timer line must name GIC-0
                           (Linux's GICv2 driver, irq-gic), not GICv3. Left out on GICv2 to
                           keep make test's time: the U-Boot chain (how skiff is loaded does
                           not depend on the GIC) and the two-guest run (so a GICv2 guest
                           restarting beside Linux is not covered here). A GIC-400 board:
                           tests/linux/test_zcu102.py
SKIFF_NATIVE=1 runs the same guest without skiff instead (native-smp2, native-smp4,
native-gicv2-smp2, native-gicv2-smp4), as the reference. Every run's console is in
build/test-logs/linux-RUN.log.

While the guest owns the console UART, skiff writes its log lines only to its ring in memory;
when the guest powers off, skiff takes the UART back and prints what it missed (after a line
`skiff: the console is skiff's again`). The suite fails the run if skiff logged an unhandled
trap, an access nobody owns or another warning, before the guest had the UART or after.
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import multi  # noqa: E402
from harness import BUILD, DEFAULT_FORBID, LOG_DIR, ROOT, Tap, machine, run_qemu  # noqa: E402
import mkinitramfs  # noqa: E402

# 6 runs; Linux under TCG reaches its initramfs in a few seconds and the test sequence takes
# about 15 s more (most of it the RTC alarm and the 1 MiB disk pattern): 20-40 s a run.
RUN_TIMEOUT = 120
SUITE_TIMEOUT = 960

LINUX = os.path.join(BUILD, "linux")
IMAGE = os.path.join(LINUX, "Image")
INITRD = os.path.join(LINUX, "initramfs.cpio.gz")
SKIFF = os.path.join(BUILD, "skiff.bin")
UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
UBOOT_DTS = os.path.join(ROOT, "dts", "tests", "linux-uboot.dts")
# where QEMU's loader puts Linux and the initramfs for the U-Boot chain: in guest RAM, above
# skiff (0x40400000 + 2 MiB, where U-Boot loads it) and below U-Boot (top of RAM)
UBOOT_IMAGE_ADDR = 0x48000000
UBOOT_INITRD_ADDR = 0x4c000000
DISK_SIZE = 16 << 20
APPEND = "console=ttyAMA0 skiff.test=1"
NATIVE = os.environ.get("SKIFF_NATIVE", "") not in ("", "0")

SKIFF_MACHINE = machine(options="acpi=off")
NATIVE_MACHINE = machine(native=True, options="acpi=off")
# the same machine with a GICv2 (GIC-400-like: GICD, GICC, GICH, GICV): skiff gives the guest a
# virtual GICv2, its GICC being the hardware's GICV
# QEMU's GICv2 model needs skiff's maintenance-driven deactivation for every tick
# (docs/interrupts.md). Under a VM-wide vGIC lock that made Linux at smp 4 take minutes with a
# TCG thread per vCPU on a 2-core host (a descheduled holder, spinning waiters), and these runs
# were single-threaded; with the per-vCPU locks each tick takes only its own vCPU's, and they run
# with TCG's default threads like the GICv3 ones.
SKIFF_MACHINE_V2 = machine(options="acpi=off", gic=2)
NATIVE_MACHINE_V2 = machine(native=True, options="acpi=off", gic=2)
# skiff's line for QEMU virt's GICv2 (tests/qemu/test_boot.py's gicv2 case checks it whole)
SKIFF_GICV2 = r"^skiff: gic: v2 gicd 0x8000000, gicc 0x8010000, .*guests get a GICv2"
# the guest's GICv2 driver (irq-gic) names its chip GIC-0 in /proc/interrupts; GICv3's is GICv3
GUEST_GICV2 = r" GIC-0 27 Level +arch_timer"

# The guest's checks, in order: each result line's description starts with one of these.
CHECKS = ["cpus online", "cpu1 offline", "cpu1 online again", "uart", "interrupts: arch timer",
          "rtc alarm", "power key", "virtio-blk"]

FORBID = DEFAULT_FORBID + [r"Internal error:", r"\bOops\b", r"\bBUG:", r"WARNING: CPU:",
                           r"rcu: INFO: rcu_\w+ detected stall", r"soft lockup"]
# what skiff logs when the guest does something it does not handle (README: "Anything else")
SKIFF_PROBLEM = re.compile(r"^.*skiff: .*(unhandled|nobody owns|UNDEF|external abort|"
                           r"not supported|warning|error).*$", re.M | re.I)
# skiff-test's TAP lines (tools/mkinitramfs.py): `skiff-guest: ok N - description`, and at the
# end `skiff-guest: 1..N`. Loose about the number and the dash, so that no `not ok` slips by.
RESULT_RE = re.compile(r"^skiff-guest: (not ok|ok)\b *(\d*) *-? *(.*?)\s*$", re.M)
PLAN_RE = re.compile(r"^skiff-guest: 1\.\.(\d+)\s*$", re.M)
DIRECTIVE_RE = re.compile(r"#\s*(SKIP|TODO)\b", re.I)


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def make_disk(name):
    path = os.path.join(LOG_DIR, "linux-%s.img" % name)
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(DISK_SIZE)  # all zeros
    return path


def disk_args(disk):
    return ["-drive", "if=none,file=%s,format=raw,id=d0" % disk,
            "-device", "virtio-blk-device,drive=d0"]


def uboot_config():
    """dts/tests/linux-uboot.dts with the real kernel and initrd sizes, compiled with dtc into
    build/test-logs/linux-uboot.dtb. Returns (dtb path, error text or None)."""
    with open(UBOOT_DTS) as f:
        text = f.read()
    sizes = {"kernel": (UBOOT_IMAGE_ADDR, os.path.getsize(IMAGE)),
             "initrd": (UBOOT_INITRD_ADDR, os.path.getsize(INITRD))}
    for prop, (addr, size) in sizes.items():
        rx = re.compile(r"^(\s*%s = )<0x0 0x%x 0x0 0x[0-9a-fA-F]+>;" % (prop, addr), re.M)
        text, n = rx.subn(lambda m: "%s<0x0 0x%x 0x0 0x%x>;" % (m.group(1), addr, size), text)
        if n != 1:
            return None, "%s: no `%s = <0x0 0x%x 0x0 SIZE>;` to fill in" % (
                rel(UBOOT_DTS), prop, addr)
    if UBOOT_IMAGE_ADDR + sizes["kernel"][1] > UBOOT_INITRD_ADDR:
        return None, "the Image (%d bytes) does not fit below the initramfs at 0x%x" % (
            sizes["kernel"][1], UBOOT_INITRD_ADDR)
    dts = os.path.join(LOG_DIR, "linux-uboot.dts")
    dtb = os.path.join(LOG_DIR, "linux-uboot.dtb")
    with open(dts, "w") as f:
        f.write(text)
    p = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-q", "-o", dtb, dts],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if p.returncode:
        return None, "dtc %s: %s" % (rel(dts), p.stdout.strip())
    return dtb, None


def multi_guests():
    """The multi-smp4 run's two guests (tests/qemu/multi.py)."""
    ram, load = multi.slot(4)
    linux = dict(name="guest@0", kind="linux", cpus=[0, 1], ram=None, image="fw_cfg",
                 devices=[("uart", "/pl011@9000000", ""), ("gpio", "/pl061@9030000", ""),
                          ("keys", "/gpio-keys", "")] +
                 [("virtio%d" % i, multi.virtio(i), "") for i in range(32)])
    bare = dict(name="guest@1", kind="lifecycle", cpus=[2, 3], ram=ram,
                image=os.path.join(BUILD, "guests", "lifecycle.bin"), load=load, vconsole=True,
                bootargs="lifecycle.resets=2 lifecycle.delay_ms=3000",
                devices=[("rtc", "/pl031@9010000", "")])
    return [linux, bare]


def multi_checks(console):
    """The lifecycle guest beside Linux: its three boots complete and ok (its lines are in
    skiff's log, printed once Linux gives the UART back), restarted twice and off before
    Linux's SYSTEM_OFF."""
    f = multi.guest_failures(multi.split_console(console).get("guest@1", []), "lifecycle",
                             blocks=3)
    for n in (1, 2):
        if not re.search(r"^skiff: guest@1: restarting \(restart %d\)" % n, console, re.M):
            f.append("skiff did not restart guest@1 a %s time" % ["", "first", "second"][n])
    off = console.find("skiff: guest@1: off")
    linux_off = console.find("skiff: guest@0: SYSTEM_OFF")
    if off < 0 or linux_off < 0 or off > linux_off:
        f.append("guest@1 did not go off while Linux (guest@0) still ran")
    return f


class GuestCheck:
    """One of the guest's checks as guest_tap() found it: check (the entry of the suite's list,
    None for a result line no entry took), ok, desc (the guest's description, or the check's
    name when the guest printed none), found (a result line was there), diag."""

    def __init__(self, check, ok, desc, found, diag):
        self.check, self.ok, self.desc, self.found, self.diag = check, ok, desc, found, diag


def guest_tap(console, checks, result_re=RESULT_RE, plan_re=PLAN_RE):
    """The guest's own TAP (skiff-test's result lines in console) against checks, the
    descriptions' beginnings the suite expects, in order. Returns a GuestCheck per entry of
    checks, each the first result line not yet taken whose description starts with it (not ok
    if there is none); then one per result line no entry took (the guest ran something this
    suite does not know: ok only if it passed, so a `not ok` never goes unreported); then, if
    the guest's plan is missing, not the last one, or does not count len(checks) results
    numbered 1..N, a failing one for the plan. A result with a SKIP or TODO directive has not
    passed."""
    results = [(m.group(1), m.group(2), m.group(3)) for m in result_re.finditer(console)]
    taken = [False] * len(results)
    out = []

    def passed(status, desc):
        return status == "ok" and not DIRECTIVE_RE.search(desc)

    for check in checks:
        i = next((i for i, (_, _, desc) in enumerate(results)
                  if not taken[i] and desc.startswith(check)), None)
        if i is None:
            out.append(GuestCheck(check, False, check, False, ["no result line from the guest"]))
            continue
        taken[i] = True
        status, n, desc = results[i]
        out.append(GuestCheck(check, passed(status, desc), desc, True,
                              [] if passed(status, desc) else
                              ["the guest's line: %s %s - %s" % (status, n, desc)]))
    for i, (status, n, desc) in enumerate(results):
        if not taken[i]:
            out.append(GuestCheck(None, passed(status, desc), desc, True,
                                  ["a check this suite does not know: %s %s - %s" %
                                   (status, n, desc)]))
    plans = plan_re.findall(console)
    numbers = [n for _, n, _ in results]
    want = [str(n) for n in range(1, len(checks) + 1)]
    if len(plans) != 1 or int(plans[0]) != len(checks) or numbers != want:
        out.append(GuestCheck(None, False, "plan", bool(plans), [
            "the guest's plan: %s, its results numbered %s; this suite knows %d checks" % (
                " ".join("1..%s" % p for p in plans) or "none", " ".join(numbers) or "none",
                len(checks))]))
    return out


def case_name(kind, smp, gic=3):
    return "%s-%ssmp%d" % (kind, "gicv2-" if gic == 2 else "", smp)


def qemu_args(kind, smp, disk, gic=3):
    """The QEMU command line of one run (without the harness's console options)."""
    if kind == "native":
        m = NATIVE_MACHINE_V2 if gic == 2 else NATIVE_MACHINE
        return m + ["-smp", str(smp), "-kernel", IMAGE, "-initrd", INITRD,
                    "-append", APPEND] + disk_args(disk), None
    if kind == "skiff":
        m = SKIFF_MACHINE_V2 if gic == 2 else SKIFF_MACHINE
        return m + ["-smp", str(smp), "-bios", SKIFF, "-kernel", IMAGE,
                    "-initrd", INITRD, "-append", APPEND] + disk_args(disk), None
    if kind == "multi":
        guests = multi_guests()
        dtb, err = multi.build_config(guests, os.path.join(LOG_DIR, "linux-multi"))
        if err:
            return None, err
        return SKIFF_MACHINE + ["-smp", str(smp), "-bios", SKIFF, "-kernel", IMAGE,
                                "-initrd", INITRD, "-append", APPEND + " skiff.skip=rtc",
                                "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % dtb] + \
            multi.loader_args(guests) + disk_args(disk), None
    dtb, err = uboot_config()
    if err:
        return None, err
    return SKIFF_MACHINE + [
        "-smp", str(smp), "-bios", UBOOT, "-kernel", SKIFF,
        "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (IMAGE, UBOOT_IMAGE_ADDR),
        "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (INITRD, UBOOT_INITRD_ADDR),
        "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % dtb] + disk_args(disk), None


def run_case(tap, kind, smp, gic=3):
    name = case_name(kind, smp, gic)
    disk = make_disk(name)
    args, err = qemu_args(kind, smp, disk, gic)
    if err:
        tap.ok(False, "%s: configuration" % name, [err])
        return None
    marks = {}

    def mark(key):
        def fn(q):
            marks[key] = time.monotonic() - q.start
        return fn

    def press(q):
        marks["qmp"] = time.monotonic() - q.start
        q.qmp("system_powerdown")

    def type_line(q):
        q.send(mkinitramfs.UART_LINE + "\n")

    def done(q):  # the guest waits for a line before it powers off
        q.send("\n")

    expect = [r"skiff-guest: init", r"skiff-guest: done"]
    if gic == 2 and kind != "native":
        expect.insert(0, SKIFF_GICV2)
    r = run_qemu(args, timeout=RUN_TIMEOUT, name="linux-" + name, qmp=True,
                 expect=expect, forbid=FORBID,
                 actions=[(r"skiff-guest: init", mark("init")),
                          (r"skiff-guest: uart: type a line", type_line),
                          (r"skiff-guest: qmp system_powerdown", press),
                          (r"skiff-guest: done", done)])
    console = r.console

    # the guest's own checks, one TAP line each, in a fixed list so a missing one shows; what
    # else the guest printed, and its plan, fail the run unless they agree with the list
    checks = [c for c in CHECKS if not (kind == "multi" and c == "rtc alarm")]
    for g in guest_tap(console, checks):
        extra = []
        if g.check == "cpus online" and g.found:
            want = len(multi_guests()[0]["cpus"]) if kind == "multi" else smp
            m = re.match(r"cpus online: (\d+)", g.desc)
            if not m or int(m.group(1)) != want:
                extra.append("expected %d CPUs online" % want)
        if g.check == "interrupts: arch timer" and g.found and gic == 2 and \
                not re.search(GUEST_GICV2, g.desc):
            extra.append("the timer's interrupt is not on a GICv2 (GIC-0) in the guest: "
                         "expected /%s/" % GUEST_GICV2)
        tap.ok(g.ok and not extra, "%s: guest: %s" % (name, g.desc),
               g.diag + extra + ["log: %s" % rel(r.log_path)] +
               (["  " + line for line in r.tail(15)] if not g.found else []))

    # QEMU: no forbidden output, the guest's done line, exit status 0 (SYSTEM_OFF) in time
    t_init = marks.get("init")
    tap.check("%s: boot to the initramfs%s, test sequence, poweroff, QEMU exits 0" % (
        name, " in %.1f s" % t_init if t_init is not None else ""), r)

    # the disk: the guest's pattern where it wrote it, nothing lost
    want = mkinitramfs.pattern_bytes()
    with open(disk, "rb") as f:
        f.seek(mkinitramfs.PATTERN_OFFSET)
        got = f.read(len(want))
    diag = []
    if got != want:
        bad = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                   min(len(got), len(want)))
        diag = ["%s: %d bytes at %d differ from the pattern from byte %d on: %r" % (
            rel(disk), len(want), mkinitramfs.PATTERN_OFFSET, bad, got[bad:bad + 32])]
    tap.ok(got == want, "%s: disk image holds the %d-byte pattern the guest wrote" % (
        name, len(want)), diag)

    if kind != "native":
        problems = [m.group(0).strip() for m in SKIFF_PROBLEM.finditer(console)]
        replayed = re.search(r"^skiff: the console is skiff's again", console, re.M)
        diag = problems[:20] + ["log: %s" % rel(r.log_path)]
        if not replayed:
            diag.append("no `skiff: the console is skiff's again` line: what skiff logged while "
                        "the guest had the UART was never printed")
        tap.ok(not problems and replayed,
               "%s: skiff logs no unhandled guest access (before, during and after)" % name, diag)
        if kind == "multi":
            f = multi_checks(console)
            tap.ok(not f, "%s: the lifecycle guest beside Linux: three boots ok, restarted "
                   "twice and off while Linux ran" % name, f + ["log: %s" % rel(r.log_path)])
        stats = [line for line in console.splitlines() if line.startswith("skiff: stats")]
        if stats:
            tap.diag(*["%s: %s" % (name, s) for s in stats[:10]])
    return r.elapsed, t_init


def main():
    tap = Tap()
    missing = [p for p in (IMAGE, INITRD) if not os.path.isfile(p)]
    if not NATIVE:
        missing += [p for p in (SKIFF, UBOOT) if not os.path.isfile(p)]
    if missing:
        tap.plan(1)
        tap.ok(False, "linux: inputs present",
               ["missing: %s (run `make linux` / `make`)" % " ".join(rel(p) for p in missing)])
        return 1
    cases = [("native", 2, 3), ("native", 4, 3), ("native", 2, 2), ("native", 4, 2)] \
        if NATIVE else [("skiff", 2, 3), ("skiff", 4, 3), ("uboot", 2, 3), ("multi", 4, 3),
                        ("skiff", 2, 2), ("skiff", 4, 2)]
    times = []
    for kind, smp, gic in cases:
        name = case_name(kind, smp, gic)
        if not tap.want(name):
            continue
        t = run_case(tap, kind, smp, gic)
        if t:
            times.append("%s %.1f s (init at %s)" % (
                name, t[0], "%.1f s" % t[1] if t[1] is not None else "-"))
    if times:
        tap.diag("wall time: " + ", ".join(times))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
