#!/usr/bin/env python3
"""An inter-guest channel (docs/channel.md) between two bare-metal guests under skiff (TAP):
guest@0 and guest@1 each run build/guests/channel.bin on one CPU, with channel@0's 64 KiB of
shared memory between them. End 0 sends 10000 requests, end 1 answers each; both check every
message (order, payload, sum) and ring the other's doorbell after each batch.
  channel-pair   the exchange: both guests' TAP ok, 10000 messages each way, none bad, each
                 heard the other's doorbell (HEARD no more than the peer rang, and not 0)
The AArch32 guest and Linux as the peers are for later (see the report in docs/channel.md)."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multi  # noqa: E402
from harness import BUILD, ROOT, Tap, machine, run_qemu  # noqa: E402

RUN_TIMEOUT = 300
COUNT = 10000
SHM = (0x47000000, 0x10000)  # RAM nobody has in multi.py's layout
SKIFF = os.path.join(BUILD, "skiff.bin")
IMAGE = os.path.join(BUILD, "guests", "channel.bin")
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


def guests():
    out = []
    for n in (0, 1):
        ram, load = multi.slot(n)
        out.append(dict(name="guest@%d" % n, kind="channel", cpus=[n], ram=ram, image=IMAGE,
                        load=load, vconsole=True, bootargs="chan.count=%d" % COUNT))
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
        f += multi.guest_failures(gl, "channel")
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


def run_pair(tap):
    name = "channel-pair"
    gs = guests()
    missing = [p for p in (SKIFF, IMAGE) if not os.path.exists(p)]
    if missing:
        return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
    dtb, err = config(gs, os.path.join(LOGS, name))
    if err:
        return tap.ok(False, name, [err])
    args = MACHINE + ["-smp", "2", "-bios", rel(SKIFF),
                      "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(dtb)]
    start = time.monotonic()
    r = run_qemu(args + multi.loader_args(gs), timeout=RUN_TIMEOUT, name=name,
                 expect=[r"^skiff: all guests are off"])
    secs = time.monotonic() - start
    return tap.check("%s: %d requests and %d replies through channel@0 between guest@0 "
                     "(cpu 0) and guest@1 (cpu 1), checked on both sides (%.1f s wall)" % (
                         name, COUNT, COUNT, secs), r, checks(r.console, gs), tail=40)


def main():
    tap = Tap()
    cases = [("channel-pair", run_pair)]
    selected = [(n, fn) for n, fn in cases if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
