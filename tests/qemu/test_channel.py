#!/usr/bin/env python3
"""An inter-guest channel (docs/channel.md) between two bare-metal guests under skiff (TAP):
guest@0 and guest@1 each run build/guests/channel.bin on one CPU, with channel@0's 64 KiB of
shared memory between them. End 0 sends 10000 requests, end 1 answers each; both check every
message (order, payload, sum) and ring the other's doorbell after each batch.
  channel-pair   the exchange: both guests' TAP ok, 10000 messages each way, none bad, each
                 heard the other's doorbell (HEARD no more than the peer rang, and not 0)
  channel-pair32 the same with guest@0 the AArch32 guest channel32 (arm-none-eabi, end 0: it
                 sends the requests) and guest@1 the AArch64 channel guest (end 1); both wait
                 for their doorbell SPI
  channel-outsider the channel-pair exchange on CPUs 0 and 1 while a third guest, hostile.bin
                 (tests/guests/hostile.c, CPU 2), tries everything against what it was not
                 given, the channel's shared memory and both ends' doorbell pages named in its
                 deny= list (their addresses from build/skiff-check on QEMU's own tree): each
                 access must abort (no leak), and the exchange completes unharmed
  linux-aarch32  the example dts/linux-aarch32.dts, booted with the QEMU command `make run
                 EXAMPLE=linux-aarch32` uses (tools/run.sh PRINT=1), on -smp 3: Debian's Linux
                 (guest@0, CPUs 0-1, end 0) runs /bin/skiff-chan from its initramfs
                 (skiff.chan=10000 skiff.chan.off) against the AArch32 guest channel32 (guest@1,
                 CPU 2, end 1, built with arm-none-eabi): 10000 requests and 10000 replies,
                 checked on both sides as above; Linux polls the ring, the AArch32 guest waits
                 for its doorbell SPI, each reads HEARD; skiff logs nothing amiss, no Oops."""

import os
import re
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multi  # noqa: E402
from harness import BUILD, DEFAULT_FORBID, QEMU, ROOT, Tap, machine, run_qemu  # noqa: E402

RUN_TIMEOUT = 180  # each case: 10 to 20 s, 70 s seen on a host with load 10 on 2 CPUs
SUITE_TIMEOUT = 780  # a plain number (tools/run-tests.py): 4 cases at RUN_TIMEOUT, + 60
OUTSIDER_OPS = 50000
COUNT = 10000
SHM = (0x47000000, 0x10000)  # RAM nobody has in multi.py's layout
SKIFF = os.path.join(BUILD, "skiff.bin")
LOGS = os.path.join(BUILD, "test-logs")
MACHINE = machine(options="acpi=off")
LINE_RE = re.compile(r"^# channel: end (\d) sent (\d+) received (\d+) rang (\d+) heard (\d+) "
                     r"irqs (\d+) bad (\d+)$", re.M)


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def channel_text(shm):
    return ("\n\tchannel@0 {\n\t\tguests = \"guest@0\", \"guest@1\";\n"
            "\t\tmemory = <%s %s>;\n\t};\n};\n" % (multi.cells(shm[0]), multi.cells(shm[1])))


def guests(kinds):
    """guest@0 and guest@1 running the test guests kinds[0] and kinds[1] (build/guests/*.bin)."""
    out = []
    for n, kind in enumerate(kinds):
        ram, load = multi.slot(n)
        out.append(dict(name="guest@%d" % n, kind=kind, cpus=[n], ram=ram,
                        image=os.path.join(BUILD, "guests", kind + ".bin"), load=load,
                        vconsole=True, bootargs="chan.count=%d" % COUNT))
    return out


def config(gs, base):
    text = multi.config_text(gs).rstrip()
    assert text.endswith("};")
    text = text[:-2] + channel_text(SHM)
    dts, dtb = base + ".dts", base + ".dtb"
    os.makedirs(os.path.dirname(dts), exist_ok=True)
    with open(dts, "w") as f:
        f.write(text)
    import subprocess
    p = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    return (None, p.stdout.strip()) if p.returncode else (dtb, None)


def checks(console, gs):
    lines = multi.split_console(console)
    f = []
    ends = {}
    for g in gs:
        gl = lines.get(g["name"], [])
        f += multi.guest_failures(gl, g["kind"])
        for line in gl:
            m = LINE_RE.match(line)
            if m:
                ends[int(m.group(1))] = [int(x) for x in m.groups()[1:]]
    if sorted(ends) != [0, 1]:
        return f + ["no '# channel:' line from both ends: %s" % sorted(ends)]
    for e, (sent, received, rang, heard, irqs, bad) in ends.items():
        peer_rang = ends[1 - e][2]
        if sent != COUNT or received != COUNT or bad:
            f.append("end %d: sent %d, received %d, bad %d (want %d, %d, 0)" % (
                e, sent, received, bad, COUNT, COUNT))
        if not 0 < heard <= peer_rang or not 0 < irqs <= heard:
            f.append("end %d: heard %d doorbells, took %d interrupts; the peer rang %d" % (
                e, heard, irqs, peer_rang))
    if not re.search(r"^skiff: all guests are off", console, re.M):
        f.append("skiff did not power the machine off after the last guest")
    return f


def doorbells(dtb, smp):
    """The doorbell pages skiff gives the configuration dtb on QEMU's virt machine with smp
    CPUs, as build/skiff-check prints them: [(guest name, address)], or (None, why)."""
    host = dtb + ".host.dtb"
    dump = host + ".raw"
    args = list(MACHINE)
    args[args.index("-M") + 1] += ",dumpdtb=" + dump
    p = subprocess.run([QEMU] + args + ["-smp", str(smp), "-nographic"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, text=True, timeout=60)
    if p.returncode or not os.path.exists(dump):
        return None, "dumpdtb: %s" % p.stdout.strip()
    # QEMU pads its dump to 1 MiB: compacted, as a board's tree would be
    p = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", host, dump],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if p.returncode:
        return None, "dtc: %s" % p.stdout.strip()
    p = subprocess.run([os.path.join(BUILD, "skiff-check"), dtb, host], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    found = re.findall(r"^(guest@\d+): channel \d+ end \d .*doorbell (0x[0-9a-f]+) ", p.stdout,
                       re.M)
    if p.returncode or not found:
        return None, "skiff-check: no doorbells: %s" % p.stdout.strip()[-500:]
    return [(g, int(a, 16)) for g, a in found], None


def run_outsider(tap, name="channel-outsider"):
    gs = guests(("channel", "channel"))
    ram, load = multi.slot(2)
    outsider = dict(name="guest@2", kind="hostile", cpus=[2], ram=ram, load=load,
                    image=os.path.join(BUILD, "guests", "hostile.bin"), vconsole=True)
    gs.append(outsider)
    missing = [p for p in [SKIFF] + [g["image"] for g in gs] if not os.path.exists(p)]
    if missing:
        return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
    # the doorbells' addresses first (from a config without the deny list, which moves nothing)
    outsider["bootargs"] = ""
    dtb, err = config(gs, os.path.join(LOGS, name))
    bells, err = doorbells(dtb, 3) if dtb else (None, err)
    if err:
        return tap.ok(False, name, [err])
    extra = [("channel", SHM)] + [("bell%s" % g.replace("@", ""), (a, 0x1000)) for g, a in bells]
    outsider["bootargs"] = "ops=%d deny=%s" % (OUTSIDER_OPS, multi.deny_list(outsider, gs, extra))
    r, secs, err = boot(gs, name, 3)
    if err:
        return tap.ok(False, name, [err])
    f = checks(r.console, gs[:2])
    lines = multi.split_console(r.console).get("guest@2", [])
    f += multi.guest_failures(lines, "hostile")
    if "# hostile: leaks 0" not in lines:
        f.append("guest@2: no '# hostile: leaks 0' line")
    if len(bells) != 2 or {g for g, _ in bells} != {"guest@0", "guest@1"}:
        f.append("skiff-check named doorbells %s, want one of guest@0 and one of guest@1" % bells)
    return tap.check("%s: channel@0's exchange completes while guest@2 (hostile, %d operations) "
                     "finds the shared memory %s and the doorbells %s out of its reach "
                     "(%.1f s wall)" % (name, OUTSIDER_OPS, "0x%x+0x%x" % SHM,
                                        ", ".join("0x%x" % a for _, a in bells), secs),
                     r, f, tail=40)


def boot(gs, name, smp):
    """skiff with the configuration of gs and channel@0 on smp CPUs, the bare-metal guests
    loaded, until every guest is off: (run, wall seconds, None) or (None, 0, why)."""
    dtb, err = config(gs, os.path.join(LOGS, name))
    if err:
        return None, 0, err
    args = MACHINE + ["-smp", str(smp), "-bios", rel(SKIFF),
                      "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(dtb)]
    start = time.monotonic()
    r = run_qemu(args + multi.loader_args(gs), timeout=RUN_TIMEOUT, name=name,
                 expect=[r"^skiff: all guests are off"])
    return r, time.monotonic() - start, None


def run_pair(tap, name="channel-pair", kinds=("channel", "channel")):
    gs = guests(kinds)
    missing = [p for p in [SKIFF] + [g["image"] for g in gs] if not os.path.exists(p)]
    if missing:
        return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
    r, secs, err = boot(gs, name, 2)
    if err:
        return tap.ok(False, name, [err])
    f = checks(r.console, gs)
    if "channel32" in kinds and not re.search(r"^skiff: guest@%d: 1 vcpus, AArch32 kernel at" %
                                              kinds.index("channel32"), r.console, re.M):
        f.append("skiff did not run the channel32 guest as AArch32")
    return tap.check("%s: %d requests and %d replies through channel@0 between guest@0 %s "
                     "(cpu 0) and guest@1 %s (cpu 1), checked on both sides (%.1f s wall)" % (
                         name, COUNT, COUNT, kinds[0], kinds[1], secs), r, f, tail=40)


# ---- linux-aarch32: the example configuration, as `make run EXAMPLE=linux-aarch32` boots it
EXAMPLE = "linux-aarch32"
EXAMPLE_APPEND = "console=ttyAMA0 skiff.chan=%d skiff.chan.off" % COUNT
EXAMPLE_NEEDS = [SKIFF, os.path.join(BUILD, "guests", "channel32.bin"),
                 os.path.join(BUILD, "dts", EXAMPLE + ".dtb"),
                 os.path.join(BUILD, "linux", "Image"),
                 os.path.join(BUILD, "linux", "initramfs.cpio.gz")]
LINUX_RE = re.compile(r"^skiff-chan: end (\d) sent (\d+) received (\d+) rang (\d+) heard (\d+) "
                      r"bad (\d+) ticks (\d+) hz (\d+)\s*$", re.M)
LINUX_FORBID = DEFAULT_FORBID + [r"Internal error:", r"\bOops\b", r"\bBUG:", r"WARNING: CPU:",
                                 r"skiff-chan: FAILED"]
# what skiff logs when a guest does something it does not handle (as tests/linux/test_linux.py)
SKIFF_PROBLEM = re.compile(r"^.*skiff: .*(unhandled|nobody owns|UNDEF|external abort|"
                           r"not supported|warning|error).*$", re.M | re.I)
# the console options the harness gives QEMU itself
RUN_SH_CONSOLE = [["-nographic"], ["-serial", "mon:stdio"]]


def example_command():
    """tools/run.sh's QEMU arguments for the example (without QEMU and the console options the
    harness sets itself), or (None, why). tools/bench_channel.py runs it too."""
    p = subprocess.run(["tools/run.sh", "EXAMPLE=" + EXAMPLE, "APPEND=" + EXAMPLE_APPEND,
                        "PRINT=1", "BUILD=" + rel(BUILD)], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    if p.returncode:
        return None, "tools/run.sh EXAMPLE=%s PRINT=1: %s" % (EXAMPLE, p.stdout.strip())
    words = shlex.split(p.stdout.strip().splitlines()[-1])[1:]
    for opt in RUN_SH_CONSOLE:
        for i in range(len(words) - len(opt) + 1):
            if words[i:i + len(opt)] == opt:
                del words[i:i + len(opt)]
                break
        else:
            return None, "tools/run.sh's command has no %s: %s" % (" ".join(opt), p.stdout)
    return words, None


def example_checks(console):
    """Linux's skiff-chan line and the AArch32 guest's TAP, each against the other's counts."""
    f = []
    m = LINUX_RE.search(console)
    if not m:
        return ["no 'skiff-chan: end ...' line from Linux"]
    lend, lsent, lrecv, lrang, lheard, lbad = [int(x) for x in m.groups()[:6]]
    if not re.search(r"^skiff-chan: ok\s*$", console, re.M) or \
            not re.search(r"^skiff-guest: skiff-chan exit 0\s*$", console, re.M):
        f.append("Linux: skiff-chan did not say ok and exit 0")
    if (lend, lsent, lrecv, lbad) != (0, COUNT, COUNT, 0):
        f.append("Linux: end %d sent %d received %d bad %d (want end 0, %d, %d, 0)" % (
            lend, lsent, lrecv, lbad, COUNT, COUNT))
    lines = multi.split_console(console).get("guest@1", [])
    f += multi.guest_failures(lines, "channel32")
    ends = [[int(x) for x in m.groups()] for m in map(LINE_RE.match, lines) if m]
    if len(ends) != 1:
        return f + ["%d '# channel:' lines from the AArch32 guest, want 1" % len(ends)]
    end, sent, recv, rang, heard, irqs, bad = ends[0]
    if (end, sent, recv, bad) != (1, COUNT, COUNT, 0):
        f.append("AArch32: end %d sent %d received %d bad %d (want end 1, %d, %d, 0)" % (
            end, sent, recv, bad, COUNT, COUNT))
    if not 0 < heard <= lrang or not 0 < irqs <= heard:
        f.append("AArch32: heard %d doorbells, took %d interrupts; Linux rang %d" % (
            heard, irqs, lrang))
    if not 0 < lheard <= rang:
        f.append("Linux: heard %d doorbells; the AArch32 guest rang %d" % (lheard, rang))
    if not re.search(r"^skiff: guest@1: 1 vcpus, AArch32 kernel at 0x", console, re.M):
        f.append("skiff did not run guest@1 as AArch32")
    f += ["skiff logged: " + m.group(0).strip() for m in SKIFF_PROBLEM.finditer(console)]
    if not re.search(r"^skiff: all guests are off", console, re.M):
        f.append("skiff did not power the machine off after the last guest")
    return f


def run_example(tap):
    name = "linux-aarch32"
    missing = [p for p in EXAMPLE_NEEDS if not os.path.exists(p)]
    if missing:
        return tap.ok(False, name, ["%s not found: run make all guests linux" % rel(p)
                                    for p in missing])
    args, err = example_command()
    if err:
        return tap.ok(False, name, [err])
    start = time.monotonic()
    r = run_qemu(args, timeout=RUN_TIMEOUT, name="channel-" + name, forbid=LINUX_FORBID,
                 expect=[r"^skiff-chan: ok", r"^\[guest@1\] # guest channel32 done",
                         r"^skiff: all guests are off"])
    secs = time.monotonic() - start
    return tap.check("%s: the example dts/%s.dts as make run boots it: Linux (cpus 0-1) and the "
                     "AArch32 guest (cpu 2) exchange %d requests and %d replies, checked on "
                     "both sides (%.1f s wall)" % (name, EXAMPLE, COUNT, COUNT, secs), r,
                     example_checks(r.console), tail=40)


def main():
    tap = Tap()
    cases = [("channel-pair", run_pair),
             ("channel-pair32", lambda tap: run_pair(tap, "channel-pair32",
                                                     ("channel32", "channel"))),
             ("channel-outsider", run_outsider),
             ("linux-aarch32", run_example)]
    selected = [(n, fn) for n, fn in cases if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
