"""tools/bench_channel.py - `make bench`'s inter-guest channel row (bench/README.md, section 7),
called by tools/bench.py: the example dts/linux-aarch32.dts booted as `make run
EXAMPLE=linux-aarch32` does (tools/run.sh) under -icount shift=0,sleep=off, Linux's skiff-chan
(end 0) sending 10000 requests to the AArch32 guest channel32 (end 1), which answers each;
both sides check every message, and the run must pass tests/qemu/test_channel.py's checks
(example_checks) or the figure is not given and make bench fails.

skiff-chan reads the virtual counter before and after the exchange; under -icount shift=0 one
instruction is 1 ns of virtual time, and QEMU runs the vCPUs one at a time, so the ticks times
1e9 / CNTFRQ are the instructions every CPU executed meanwhile: Linux's requests and polls
(YIELD ends a vCPU's turn), the AArch32 guest's replies and interrupts, and skiff's exits for
both (doorbell MMIO, interrupt injection). Figures: instructions per round trip (request and
reply) and messages (requests + replies) per million instructions.
"""

import os
import re
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import test_channel  # noqa: E402
from harness import run_qemu  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 300  # about 10 s
KEYS = ("channel.roundtrip", "channel.msgs_per_minsn")


def measure(log_dir):
    """{"instructions", "roundtrips", "wall_s", ...} of one run, or {"error": why} (with
    "broken": True when the run went wrong rather than could not start)."""
    missing = [p for p in test_channel.EXAMPLE_NEEDS if not os.path.exists(p)]
    if missing:
        return {"error": "%s missing (make all guests linux)" % ", ".join(
            test_channel.rel(p) for p in missing)}
    args, err = test_channel.example_command()
    if err:
        return {"error": err}
    t = time.monotonic()
    r = run_qemu(args + ICOUNT, timeout=TIMEOUT, name="channel-linux-aarch32",
                 log_path=os.path.join(log_dir, "channel-linux-aarch32.log"),
                 forbid=test_channel.LINUX_FORBID,
                 expect=[r"^skiff-chan: ok", r"^skiff: all guests are off"])
    fails = r.failures() + test_channel.example_checks(r.console)
    if fails:
        return {"error": "the run failed: %s (%s)" % (fails[0], test_channel.rel(r.log_path)),
                "broken": True}
    m = test_channel.LINUX_RE.search(r.console)
    ticks, hz = int(m.group(7)), int(m.group(8))
    return {"instructions": ticks * 10**9 // hz, "roundtrips": test_channel.COUNT,
            "linux_rang": int(m.group(4)), "wall_s": round(time.monotonic() - t, 1)}


def broken(raw):
    return bool(raw and raw.get("broken"))


def figures(raw):
    """{key: {"skiff": value}} for bench.py's figures (none when not measured)."""
    if not raw or "instructions" not in raw:
        return {}
    ins, n = raw["instructions"], raw["roundtrips"]
    return {"channel.roundtrip": {"skiff": round(ins / n, 2)},
            "channel.msgs_per_minsn": {"skiff": round(2 * n * 1e6 / ins, 2)}}


def table(raw, cell, render):
    """Section 7, with bench.py's cell(key, column) and render(rows, header)."""
    why = "n/a: " + (raw or {}).get("error", "not run") if not raw or "error" in raw else None
    rows = [["  instructions per round trip (request + reply), all CPUs",
             why or cell("channel.roundtrip", "skiff")],
            ["  messages per million instructions", why or cell("channel.msgs_per_minsn",
                                                                "skiff")]]
    return render(rows, ["8. inter-guest channel: Linux <-> AArch32, %d round trips" %
                         test_channel.COUNT, "skiff"])
