#!/usr/bin/env python3
"""tools/bench.py - `make bench`: skiff's interrupt latency and hypervisor cost in executed
instructions, native vs skiff, deterministic (bench/README.md says what each figure means).

    tools/bench.py [--update-baseline] [--baseline bench/baseline.json] [--out build/bench.json]
                   [--no-linux] [--no-contention] [--no-loaded] [--contention-runs N]
                   [--no-interference]

QEMU runs with -icount shift=0,sleep=off: the guest's PMU cycle counter then counts executed
instructions (EL2's too, PMCCFILTR_EL0.NSH) and one instruction is 1 ns of virtual time.
Runs, one after the other, each bounded by a timeout (tests/qemu/harness.py kills what is left):

  guest-native          build/guests/bench.bin at EL1 on QEMU's GICv3, no EL2 (-smp 2)
  guest-hw/eoi/oneshot  the same image as skiff's guest, configured by bench/configs/MODE.dts
  gicv2-guest-*         the same five on QEMU's GICv2 (gic-version=2): native, hw (skiff's
                        QEMU workaround on: no HW=1 list registers), hw-lr (bench/configs/
                        hw-lr.dts: HW=1 and the fast path, as on a GIC-400), eoi, oneshot
  linux-{native,skiff}-smp{1,2,4}-{1,2,3}
                        build/linux/Image with build/bench/initramfs.cpio.gz (the Linux
                        engineer's initramfs plus bench/linux/boot_marker.c, run by /init after
                        "skiff-guest: init" when the command line has skiff.bench=1)
  contention-{quiet,loaded}-{native,skiff}-{1..N}
                        the same boot at -smp 4 without -icount, on multi-threaded TCG: the CPU
                        time (user + system) QEMU took, native and skiff alternately, N times
                        (default 3, SKIFF_BENCH_CONTENTION_RUNS); "loaded" with a busy loop
                        pinned to one of the host's CPUs beside it
  channel-linux-aarch32 the example dts/linux-aarch32.dts: Linux and the AArch32 guest exchange
                        10000 messages each way over a channel (tools/bench_channel.py)
  rt-{native,skiff}-*   section 7, tools/bench_interference.py: a real-time AArch32 guest's
                        timer latency alone and beside Linux's load (--no-interference skips)
  footprint             skiff with its default config, for "boot: firmware at" (load address)

It prints one table (every cell filled: a figure or "n/a: why"), writes build/bench.json and
compares every figure with bench/baseline.json: a change over 2 % (25 % for the contention
rows, which are CPU seconds) is shown in the cell as "NEW !was OLD". --update-baseline (make
bench BASELINE=update) rewrites the baseline from this run; a missing baseline is written too.
Exit status 0 unless a benchmark run failed or the guest's self-checks did (a broken
measurement must not pass as a figure); a Linux row that cannot be measured says so and does
not fail the run.
"""

import argparse
import gzip
import io
import json
import os
import re
import resource
import stat
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from harness import BUILD, DEFAULT_FORBID, QEMU, kill_group, machine, run_qemu  # noqa: E402
from harness import _pdeathsig  # noqa: E402
import bench_channel  # noqa: E402  (section 8, the inter-guest channel)
import bench_interference  # noqa: E402  (section 7, its own module)

BENCH_DIR = os.path.join(BUILD, "bench")
LOG_DIR = os.path.join(BENCH_DIR, "logs")
SKIFF_BIN = os.path.join(BUILD, "skiff.bin")
SKIFF_ELF = os.path.join(BUILD, "skiff.elf")
GUEST = os.path.join(BUILD, "guests", "bench.bin")
CONFIG_DIR = os.path.join(ROOT, "bench", "configs")
MARKER_SRC = os.path.join(ROOT, "bench", "linux", "boot_marker.c")
LINUX_DIR = os.path.join(BUILD, "linux")
LINUX_IMAGE = os.path.join(LINUX_DIR, "Image")
LINUX_INITRD = os.path.join(LINUX_DIR, "initramfs.cpio.gz")
BASELINE = os.path.join(ROOT, "bench", "baseline.json")
OUT = os.path.join(BUILD, "bench.json")
CROSS = os.environ.get("CROSS", "aarch64-linux-gnu-")

ICOUNT = ["-icount", "shift=0,sleep=off"]
SKIFF_M = machine()
NATIVE_M = machine(native=True)
# as tests/linux/test_linux.py boots Linux (with acpi=off QEMU describes the PL061 in the DT)
SKIFF_M_LINUX = machine(options="acpi=off")
NATIVE_M_LINUX = machine(native=True, options="acpi=off")

MODES = ["hw", "eoi", "oneshot"]
COLUMNS = ["native"] + MODES
# GICv2: hw with skiff's QEMU workaround (the default), hw-lr with HW=1 LRs as on a GIC-400
V2_COLUMNS = ["native", "hw", "hw-lr", "eoi", "oneshot"]
V2 = "gicv2"  # the GICv2 block: raw[V2][column], figures "gicv2.KEY"
V2_NATIVE_M = ["-M", "virt,gic-version=2"] + NATIVE_M[2:]
V2_SKIFF_M = ["-M", "virt,virtualization=on,gic-version=2"] + SKIFF_M[2:]
GUEST_SMP = 2
GUEST_TIMEOUT = 180  # under a second each (15 s while skiff waited 2 s for CPU 1)
LINUX_TIMEOUT = 300  # about 2 s each (12 s while skiff waited 2 s for CPU 1)
LINUX_RUNS = 3
LINUX_SMPS = (1, 2, 4)
LINUX_TARGET = {4: 1.05}  # issue 13: skiff/native instructions of the -smp 4 boot
# contention: the -smp 4 boot without -icount, on multi-threaded TCG (a host thread per vCPU;
# QEMU's default for this guest on an x86 host, asked for explicitly), timed in CPU seconds
MTTCG = ["-accel", "tcg,thread=multi"]
CONTENTION_SMP = 4
CONTENTION_LOADS = ("quiet", "loaded")
CONTENTION_RUNS = 3  # default of --contention-runs and SKIFF_BENCH_CONTENTION_RUNS
CONTENTION_TARGET = 1.2  # issue 13: skiff/native CPU time
BUSY_HOST = 0.25  # CPUs the rest of the host kept busy on average: over it, "quiet" is not
# "loaded": a busy loop pinned to one host CPU for the whole boot (its own process group)
BURNER = [sys.executable, "-c", "while True: pass"]
MAKE_LINUX_TIMEOUT = 600
LINUX_APPEND = "console=ttyAMA0 skiff.bench=1"
INIT_MARKER = 'echo "skiff-guest: init"\n'
INIT_HOOK = ('case " $(cat /proc/cmdline) " in\n'
             '*" skiff.bench=1 "*)\n'
             '\t/bin/skiff-boot-marker # tools/bench.py: instructions since reset\n'
             '\tpoweroff -f\n'
             '\t;;\n'
             'esac\n')
TIMER_HZ = 62500000
THRESHOLD = 0.02  # a change over 2 % against the baseline is flagged
# CPU seconds of a boot vary by some 10 % from run to run and with what else the host runs
CPU_THRESHOLD = 0.25
HW_TARGET = 100  # issue 12: hw mode adds at most 100 instructions per round trip
ALIGN_2M = 2 << 20

KV_RE = re.compile(r"^bench: (\S+) (-?\d+)\s*$", re.M)
TAP_RE = re.compile(r"^(not ok|ok) (\d+) - (.*)$", re.M)
PLAN_RE = re.compile(r"^1\.\.(\d+)\s*$", re.M)
MARKER_RE = re.compile(r"^skiff-bench: cntvct (\d+) cntfrq (\d+)\s*$", re.M)


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def say(msg):
    print("bench: " + msg, flush=True)


class BenchError(Exception):
    pass


# ---- the benchmark guest
def dtc(src, out):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(["dtc", "-q", "-W", "no-unit_address_vs_reg", "-I", "dts", "-O", "dtb",
                    "-o", out, src], check=True)
    return out


def guest_run(col, gic=3, extra_args=(), log_dir=LOG_DIR, timeout=GUEST_TIMEOUT):
    """Boots the benchmark guest natively or under skiff in column col's mode on a GICv3 or
    GICv2; returns its key/value figures. Raises BenchError if the run or one of the guest's
    self-checks failed. extra_args go to QEMU after the run's own (tools/profile-el2.py adds
    its -d and -D there); the console log is log_dir/NAME.log."""
    name = ("guest-" if gic == 3 else V2 + "-guest-") + col
    mode = "hw" if col == "hw-lr" else col
    if mode == "native":
        args = (NATIVE_M if gic == 3 else V2_NATIVE_M) + ["-smp", str(GUEST_SMP), "-kernel",
                                                          rel(GUEST)]
    else:
        dtb = dtc(os.path.join(CONFIG_DIR, col + ".dts"), os.path.join(BENCH_DIR, col + ".dtb"))
        args = (SKIFF_M if gic == 3 else V2_SKIFF_M) + [
            "-smp", str(GUEST_SMP), "-bios", rel(SKIFF_BIN), "-kernel", rel(GUEST),
            "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(dtb)]
    append = "mode=" + mode
    if gic == 2 and mode != "native":
        # skiff writes HW=1 LRs on QEMU's GICv2 only with gicv2-hw-lrs-on-qemu (hw-lr.dts)
        append += " hwlr=%d" % (col == "hw-lr")
    args += ICOUNT + ["-append", append] + list(extra_args)
    t = time.monotonic()
    r = run_qemu(args, timeout=timeout, name=name,
                 log_path=os.path.join(log_dir, name + ".log"),
                 expect=[r"^1\.\.\d+", r"^# guest bench done"])
    fails = r.failures()
    plans = PLAN_RE.findall(r.console)
    results = TAP_RE.findall(r.console)
    if len(plans) != 1 or [int(n) for _, n, _ in results] != list(range(1, int(plans[0]) + 1)):
        fails.append("incomplete TAP: plan %s, %d results" % (plans, len(results)))
    fails += ["not ok %s - %s" % (n, d) for s, n, d in results if s != "ok"]
    fails += [line for line in r.console.splitlines() if line.startswith("Bail out!")]
    if fails:
        raise BenchError("%s: %s (log: %s)" % (name, "; ".join(fails), rel(r.log_path)))
    kv = {k: int(v) for k, v in KV_RE.findall(r.console)}
    if kv.get("gic.version", 3) != gic:
        raise BenchError("%s: the guest found a GICv%s, not a GICv%d (log: %s)" % (
            name, kv.get("gic.version"), gic, rel(r.log_path)))
    kv["_wall_s"] = round(time.monotonic() - t, 1)
    kv["_cpu1_late"] = bool(re.search(r"skiff: cpu1: did not come up", r.console))
    say("%s: %d figures, %d self-checks ok (%.1f s)" % (name, len(kv) - 2, len(results),
                                                       kv["_wall_s"]))
    return kv


# ---- the Linux boot marker
def newc(files):
    """A newc cpio archive of [(name, mode, data)], regular files only, fixed metadata."""
    out = io.BytesIO()
    ino = 0x5b000
    for name, mode, data in files + [("TRAILER!!!", 0, b"")]:
        ino += 1
        nb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
        hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
        out.write(hdr + nb + b"\0" * (-(len(hdr) + len(nb)) % 4))
        out.write(data + b"\0" * (-len(data) % 4))
    out.write(b"\0" * (-out.tell() % 512))
    return out.getvalue()


def newc_read(data, want):
    """The contents of file want in a newc archive (None if absent)."""
    off = 0
    while off + 110 <= len(data):
        hdr = data[off:off + 110]
        if hdr[:6] not in (b"070701", b"070702"):
            return None
        f = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        size, nsize = f[6], f[11]
        name = data[off + 110:off + 110 + nsize - 1].decode(errors="replace")
        off += 110 + nsize
        off += -off % 4
        body = data[off:off + size]
        off += size + (-size % 4)
        if name == "TRAILER!!!":
            return None
        if name.lstrip("./") == want:
            return body
    return None


def gunzip_members(data):
    """The first archive of a (possibly concatenated) initramfs, decompressed."""
    return gzip.GzipFile(fileobj=io.BytesIO(data)).read() if data[:2] == b"\x1f\x8b" else data


def prepare_linux():
    """build/bench/initramfs.cpio.gz: the Linux engineer's initramfs, then an overlay with
    /bin/skiff-boot-marker and their /init with the bench hook after the marker line. Returns
    None when ready, else the reason the Linux rows cannot be measured."""
    if not (os.path.isfile(LINUX_IMAGE) and os.path.isfile(LINUX_INITRD)):
        make = ["make", "--no-print-directory", "-C", ROOT, "linux"]
        say("build/linux incomplete: %s" % " ".join(make[:2] + make[4:]))
        try:
            p = subprocess.run(make, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=MAKE_LINUX_TIMEOUT)
            out = p.stdout.decode(errors="replace").strip().splitlines()
        except subprocess.TimeoutExpired:
            return "make linux took over %d s" % MAKE_LINUX_TIMEOUT
        if p.returncode != 0 or not os.path.isfile(LINUX_IMAGE) or \
                not os.path.isfile(LINUX_INITRD):
            return "no guest Linux (make linux: %s)" % (out[-1] if out else "failed")
    marker = os.path.join(BENCH_DIR, "boot-marker")
    os.makedirs(BENCH_DIR, exist_ok=True)
    try:
        subprocess.run([CROSS + "gcc", "-static", "-nostdlib", "-ffreestanding",
                        "-fno-stack-protector", "-fno-pie", "-no-pie", "-O2", "-Wall", "-Wextra",
                        "-Werror", "-o", marker, MARKER_SRC], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        return "cannot build %s: %s" % (rel(MARKER_SRC), e)
    with open(LINUX_INITRD, "rb") as f:
        base = f.read()
    init = newc_read(gunzip_members(base), "init")
    if init is None:
        return "%s has no /init" % rel(LINUX_INITRD)
    init = init.decode(errors="replace")
    if INIT_MARKER not in init:
        return "%s: /init prints no %s" % (rel(LINUX_INITRD), INIT_MARKER.strip())
    init = init.replace(INIT_MARKER, INIT_MARKER + INIT_HOOK, 1)
    with open(marker, "rb") as f:
        prog = f.read()
    write_overlay(base, [("init", stat.S_IFREG | 0o755, init.encode()),
                         ("bin/skiff-boot-marker", stat.S_IFREG | 0o755, prog)],
                  "initramfs.cpio.gz")
    return None


def write_overlay(base, files, name):
    """BENCH_DIR/name: the initramfs base (gzipped cpio bytes) with files [(path, mode, data)]
    appended as a second gzipped newc archive. The kernel unpacks concatenated archives in
    order: the overlay's files replace theirs."""
    z = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=z, mtime=0) as g:
        g.write(newc(files))
    with open(os.path.join(BENCH_DIR, name), "wb") as f:
        f.write(base + z.getvalue())


def linux_boot(kind, smp):
    """Instructions from reset to the initramfs marker, the median of LINUX_RUNS boots (a
    boot under skiff with two CPUs now and then takes 0.3 s more); or (None, why)."""
    runs = []
    for i in range(LINUX_RUNS):
        v, err = linux_boot_once(kind, smp, "linux-%s-smp%d-%d" % (kind, smp, i + 1))
        if err:
            return None, err
        runs.append(v)
    ins = sorted(r["instructions"] for r in runs)
    med = statistics.median(ins)
    say("linux-%s-smp%d: median %d instructions of %s" % (kind, smp, med,
                                                          ", ".join(str(i) for i in ins)))
    return {"instructions": med, "runs": ins,
            "wall_s": round(sum(r["wall_s"] for r in runs), 1),
            "cpu1_late": any(r["cpu1_late"] for r in runs)}, None


def contention(load, runs):
    """The -smp 4 boot without -icount, runs times natively and under skiff (alternately, so
    that a change in what else the host does falls on both): {kind: the median CPU seconds
    and every run}, or (None, why). load "loaded" runs a busy loop beside each boot."""
    each = {"native": [], "skiff": []}
    for i in range(runs):
        for kind in each:
            name = "contention-%s-%s-%d" % (load, kind, i + 1)
            v, err = linux_boot_once(kind, CONTENTION_SMP, name, load=load)
            if err:
                return None, err
            each[kind].append(v)
    out = {"host_cpus": len(os.sched_getaffinity(0))}
    for kind, rs in each.items():
        cpu = [r["cpu_s"] for r in rs]
        out[kind] = {"cpu_s": round(statistics.median(cpu), 2), "runs": rs,
                     "others_s": round(statistics.median([r["others_s"] for r in rs]), 2),
                     "wall_s": round(sum(r["wall_s"] for r in rs), 1)}
        say("%s-%s: median %.2f CPU s of %s" % (load, kind, out[kind]["cpu_s"],
                                               ", ".join("%.2f" % c for c in cpu)))
    return out, None


def cpu_burner(cpu):
    """A busy loop pinned to host CPU cpu, in its own process group (kill_group ends it)."""
    def pin():
        _pdeathsig()
        os.sched_setaffinity(0, {cpu})
    return subprocess.Popen(BURNER, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=pin)


def children_cpu_s():
    """User and system CPU seconds of every child process waited for so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime, ru.ru_stime


def host_busy_s():
    """CPU seconds all the host's CPUs have been busy so far (/proc/stat: user, nice, system,
    irq, softirq; not idle, iowait or steal)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:8]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """User + system CPU seconds of the running process pid (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def linux_boot_once(kind, smp, name, load=None):
    """One boot to the initramfs marker: under -icount (load None) its instructions since
    reset, else on multi-threaded TCG with load "quiet" or "loaded" (a busy loop on the
    first host CPU this process may use) QEMU's CPU time; or (None, why). The CPU time is
    the growth of this process's RUSAGE_CHILDREN over the run: QEMU is the only child
    reaped in it (run_qemu waits for it; a burner is reaped after). others_s: what the rest
    of the host (the burner and this script excepted) kept its CPUs busy for meanwhile."""
    initrd = rel(os.path.join(BENCH_DIR, "initramfs.cpio.gz"))
    common = ["-smp", str(smp), "-kernel", rel(LINUX_IMAGE), "-initrd", initrd,
              "-append", LINUX_APPEND] + (ICOUNT if load is None else MTTCG)
    if kind == "native":
        args = NATIVE_M_LINUX + common
    else:
        args = SKIFF_M_LINUX + ["-bios", rel(SKIFF_BIN)] + common
    burner = cpu_burner(min(os.sched_getaffinity(0))) if load == "loaded" else None
    try:
        t, busy0 = time.monotonic(), host_busy_s()
        self0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        u0, s0 = children_cpu_s()
        r = run_qemu(args, timeout=LINUX_TIMEOUT, name=name,
                     log_path=os.path.join(LOG_DIR, name + ".log"),
                     expect=[r"^skiff-guest: init", MARKER_RE.pattern],
                     forbid=DEFAULT_FORBID + [r"Internal error:", r"\bOops\b", r"\bBUG:"])
        u1, s1 = children_cpu_s()
        wall, busy = time.monotonic() - t, host_busy_s() - busy0
        busy -= sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - self0
        if burner:
            busy -= proc_cpu_s(burner.pid)
    finally:
        kill_group(burner, grace=0)
    m = MARKER_RE.search(r.console)
    # a CPU time counts only up to QEMU's own exit at the guest's poweroff
    f = r.failures() if not m or load is not None else []
    if f or not m:
        return None, "%s: %s (log %s)" % (name, f[0] if f else "no marker", rel(r.log_path))
    ticks, hz = int(m.group(1)), int(m.group(2))
    if hz != TIMER_HZ:
        return None, "%s: counter at %d Hz, not %d" % (name, hz, TIMER_HZ)
    late = bool(re.search(r"skiff: cpu\d+: did not come up", r.console))
    if late:
        say("%s: skiff waited 2 s for a secondary CPU" % name)
    v = {"wall_s": round(wall, 1), "cpu1_late": late}
    if load is None:
        v["instructions"] = ticks * (1000000000 // TIMER_HZ)
    else:
        # guest_s: the guest's own clock from reset to the marker
        cpu = u1 - u0 + s1 - s0
        v.update(cpu_s=round(cpu, 2), user_s=round(u1 - u0, 2), sys_s=round(s1 - s0, 2),
                 guest_s=round(ticks / hz, 2), others_s=round(max(busy - cpu, 0), 2))
    return v, None


# ---- footprint
def footprint():
    fp = {"skiff.bin": os.path.getsize(SKIFF_BIN)}
    out = subprocess.run([CROSS + "size", "-A", SKIFF_ELF], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] in (".text", ".rodata", ".data", ".bss") and f[1].isdigit():
            fp[f[0]] = int(f[1])
    syms = {}
    out = subprocess.run([CROSS + "nm", SKIFF_ELF], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            syms[f[2]] = int(f[0], 16)
    start = syms.get("_start", 0)
    end = syms.get("_end")
    r = run_qemu(SKIFF_M + ["-smp", "2", "-bios", rel(SKIFF_BIN)] + ICOUNT, timeout=60,
                 name="footprint", log_path=os.path.join(LOG_DIR, "footprint.log"),
                 stop_on=r"skiff: boot: firmware at 0x[0-9a-f]+,", expect_exit=None)
    m = re.search(r"skiff: boot: \S+ at (0x[0-9a-f]+),", r.console)
    if m and end is not None:
        load = int(m.group(1), 16)
        top = (load + (end - start) + ALIGN_2M - 1) // ALIGN_2M * ALIGN_2M
        fp["load"] = "0x%x" % load
        fp["reserved"] = top - load
        fp["_end"] = end - start
    else:
        fp["reserved"] = "n/a: %s" % ("no _end symbol in skiff.elf" if end is None else
                                      "no 'boot: firmware at' line (log %s)" % rel(r.log_path))
    lines = {}
    for d in ("arch", "lib", "hyp", "irq", "drivers"):
        per = {".c": 0, ".h": 0, ".S": 0}
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            for n in names:
                ext = os.path.splitext(n)[1]
                if ext in per:
                    with open(os.path.join(dirpath, n), "rb") as f:
                        per[ext] += f.read().count(b"\n")
        lines[d] = per
    fp["lines"] = lines
    return fp


# ---- figures
def div(a, b):
    return a / b if b else None


def figures(g, linux):
    """The comparable figures: {key: {column: number}} (instructions, or per M instructions);
    the GICv2 block's keys start with "gicv2."."""
    fig = {}

    def put(key, col, val):
        if val is not None:
            fig.setdefault(key, {})[col] = round(val, 2) if isinstance(val, float) else val

    guest_figures(put, g, COLUMNS)
    if isinstance(g.get(V2), dict):
        guest_figures(lambda key, col, val: put(V2 + "." + key, col, val), g[V2], V2_COLUMNS)
        for col in V2_COLUMNS:
            kv = g[V2][col]
            put("%s.maint_exits.per_irq" % V2, col, 0 if col == "native" else
                div(kv["uart.vcpu0.exits.maint"], kv["uart.n"]))
            # per tick: without HW=1 LRs a tick is two IRQ exits (hw, eoi, oneshot on QEMU)
            put("%s.vtimer.el2_per_tick" % V2, col,
                0 if col == "native" else div(kv["vtimer.el2"], kv["vtimer.n"]))
    linux_figures(put, linux)
    return fig


def linux_figures(put, linux):
    """Section 5 (the boots in instructions) and 5b (contention, in CPU seconds) through
    put(key, column, value), each with its ratio skiff/native."""
    fig = {}
    for smp in LINUX_SMPS:
        for kind in ("native", "skiff"):
            v = linux.get("%s-smp%d" % (kind, smp))
            if isinstance(v, dict):
                fig.setdefault("linux.smp%d" % smp, {})[kind] = v["instructions"]
    for load in CONTENTION_LOADS:
        v = linux.get("contention-" + load)
        if isinstance(v, dict):
            fig["contention." + load] = {kind: v[kind]["cpu_s"] for kind in ("native", "skiff")}
    for key, cols in sorted(fig.items()):
        for col, val in cols.items():
            put(key, col, val)
        if "native" in cols and "skiff" in cols:
            put(key, "ratio", cols["skiff"] / cols["native"])


def guest_figures(put, g, columns):
    """Sections 1-4 of one GIC's runs g[column] through put(key, column, value)."""
    nat = g["native"]
    for col in columns:
        kv = g[col]
        for what in ("latency", "roundtrip"):
            for st in ("median", "p99"):
                put("%s.%s" % (what, st), col, kv["uart.%s.%s" % (what, st)])
        put("latency.overhead", col, kv["uart.latency.median"] - nat["uart.latency.median"])
        put("roundtrip.overhead", col, kv["uart.roundtrip.median"] -
            nat["uart.roundtrip.median"])
        put("throughput", col, div(kv["uart.tput.n"] * 1e6, kv["uart.tput.insns"]))
        n = kv["uart.n"]
        if col == "native":
            for k in ("el2.per_irq", "el2.per_exit", "entries.per_irq", "taken.per_irq",
                      "maint.per_irq"):
                put(k, col, 0)
        else:
            exits = sum(kv.get("uart.vcpu0.exits.%s" % r, 0) for r in
                        ("irq", "mmio", "smc", "sysreg", "abort", "undef", "other"))
            put("el2.per_irq", col, div(kv["uart.vcpu0.el2.irq"], n))
            put("el2.per_exit", col, div(kv["uart.vcpu0.el2.irq"], kv["uart.vcpu0.exits.irq"]))
            put("entries.per_irq", col, div(exits, n))
            put("taken.per_irq", col, div(kv["uart.spi.taken"], n))
            put("maint.per_irq", col, div(kv["uart.spi.maint"], n))
        ovh = kv["calib.read_overhead"]
        for t in ("gicd_isenabler", "gicd_ipriorityr", "psci_version", "sgi_send"):
            put("%s.guest.median" % t, col, kv["%s.guest.median" % t] - ovh)
            put("%s.guest.p99" % t, col, kv["%s.guest.p99" % t] - ovh)
        for st in ("median", "p99"):
            put("sgi_pingpong.guest.%s" % st, col, kv["sgi_pingpong.guest.%s" % st] - ovh)
        for t in ("gicd_isenabler", "gicd_ipriorityr", "psci_version", "sgi_send", "sgi_target",
                  "vtimer"):
            if col == "native":
                put("%s.el2" % t, col, 0)
            else:
                put("%s.el2" % t, col, div(kv["%s.el2" % t], kv["%s.exits" % t]))


def threshold(key):
    """How far figure key may move against the baseline before it is flagged."""
    # the RT guest's latency in virtual time includes QEMU's round robin: noise under load
    return CPU_THRESHOLD if key.startswith(("contention.", "interference.vtime.")) else THRESHOLD


def compare(fig, base):
    """{(key, col): old} for every figure that moved by more than threshold(key)."""
    changed = {}
    bf = (base or {}).get("figures", {})
    for key, cols in fig.items():
        for col, v in cols.items():
            old = bf.get(key, {}).get(col)
            if old is None:
                continue
            if abs(v - old) > threshold(key) * max(abs(old), 1):
                changed[(key, col)] = old
    return changed


# ---- the table
def fmt(v):
    if isinstance(v, float):
        if abs(v - round(v)) < 0.005 or abs(v) >= 100:
            return "%.0f" % v
        return "%.2f" % v
    return str(v)


def cell(fig, changed, key, col, na="n/a"):
    v = fig.get(key, {}).get(col)
    if v is None:
        return na
    s = "%.2f" % v if col == "ratio" else fmt(v)
    if key.endswith(".overhead") and col != "native":
        s = "+" + s
        med = fig.get(key[:-len("overhead")] + "median", {})
        if key.endswith("roundtrip.overhead") and med.get("native"):
            s += " (x%.1f)" % (med[col] / med["native"])
    if (key, col) in changed:
        s += " !was %s" % fmt(changed[(key, col)])
    return s


def cell2(fig, changed, key, col):
    a = cell(fig, changed, key + ".median", col)
    b = cell(fig, changed, key + ".p99", col)
    return a if a == b else "%s / p99 %s" % (a, b)


def render(rows, header, left=1):
    """Columns before index left are left-aligned, the others right-aligned; a row whose
    second cell is None is a section title."""
    full = [r for r in rows if r[1] is not None] + [header]
    widths = [max(len(str(r[i])) for r in full) for i in range(len(header))]

    def line(r):
        return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    out = [line(header), "-" * max(len(line(r)) for r in full)]
    for r in rows:
        out.append(r[0] if r[1] is None else line(r))
    return "\n".join(out)


def guest_table(fig, changed, g, v2=False):
    """Sections 1-4 of the GICv3 runs, or with v2 of the GICv2 block, as one table."""
    columns, pre = (V2_COLUMNS, V2 + ".") if v2 else (COLUMNS, "")
    n = g["native"]["uart.n"]
    nt = g["native"]["uart.tput.n"]
    rows = []

    def sec(title):
        rows.append([title] + [None] * len(columns))

    def row(label, key, two=False):
        rows.append(["  " + label] + [cell2(fig, changed, pre + key, c) if two else
                                      cell(fig, changed, pre + key, c) for c in columns])

    if v2:
        sec("   hw: skiff's default on QEMU's GICv2 model, no HW=1 list register: the EOI bit,")
        sec("       and skiff deactivates at the maintenance interrupt (docs/interrupts.md);")
        sec("   hw-lr: gicv2-hw-lrs-on-qemu: HW=1 and the fast path, as on a GIC-400")
    sec("1. PL011 TX interrupt (SPI 33, level), %d interrupts" % n)
    row("latency: UARTDR store -> IRQ vector, median", "latency.median")
    row("latency, 99th percentile", "latency.p99")
    row("latency over native (median)", "latency.overhead")
    sec("2. round trip: store -> %s retired" % ("GICC_EOIR" if v2 else "ICC_EOIR1"))
    row("round trip, median", "roundtrip.median")
    row("round trip, 99th percentile", "roundtrip.p99")
    row("round trip over native (median)", "roundtrip.overhead")
    sec("3. hypervisor cost (skiff's counters; means)")
    row("EL2 instructions per interrupt", "el2.per_irq")
    row("EL2 instructions per IRQ exit", "el2.per_exit")
    row("hypervisor entries per interrupt (vCPU 0)", "entries.per_irq")
    row("SPI 33 taken by skiff per interrupt", "taken.per_irq")
    if v2:
        # hw without HW=1 LRs: a maintenance exit per interrupt that SPI_MAINT does not count
        row("maintenance exits per interrupt (vCPU 0)", "maint_exits.per_irq")
        row("  of them EOI maintenance (SPI_MAINT)", "maint.per_irq")
    else:
        row("EOI maintenance interrupts per interrupt", "maint.per_irq")
    sec("   other traps, 1000 each: EL2 instructions per exit")
    row("GICD_ISENABLER write (SPI 33): MMIO exit", "gicd_isenabler.el2")
    row("GICD_IPRIORITYR byte write: MMIO exit", "gicd_ipriorityr.el2")
    if v2:
        row("SGI to vCPU 1: sender's MMIO exit (GICD_SGIR)", "sgi_send.el2")
    else:
        row("SGI to vCPU 1: sender's SYSREG exit", "sgi_send.el2")
    row("SGI to vCPU 1: target's IRQ exit (kick)", "sgi_target.el2")
    row("PSCI_VERSION over HVC: HVC exit", "psci_version.el2")
    row("virtual timer interrupt: IRQ exit", "vtimer.el2")
    if v2:
        row("virtual timer interrupt: EL2 per tick", "vtimer.el2_per_tick")
    sec("   the same, seen by the guest (instructions, median / p99)")
    row("GICD_ISENABLER write", "gicd_isenabler.guest", True)
    row("GICD_IPRIORITYR byte write", "gicd_ipriorityr.guest", True)
    if v2:
        row("GICD_SGIR write (SGI to vCPU 1)", "sgi_send.guest", True)
    else:
        row("ICC_SGI1R_EL1 write (SGI to vCPU 1)", "sgi_send.guest", True)
    row("SGI ping-pong, vCPU 0 -> 1 -> 0", "sgi_pingpong.guest", True)
    row("PSCI_VERSION over HVC", "psci_version.guest", True)
    sec("4. throughput, %d raises back to back" % nt)
    row("interrupts per million instructions", "throughput")
    return render(rows, ["skiff bench on GICv2 (instructions)" if v2 else
                         "skiff bench (instructions)"] + columns)


def table(fig, changed, g, linux, linux_why, fp):
    out = [guest_table(fig, changed, g)]
    if isinstance(g.get(V2), dict):
        out += ["", guest_table(fig, changed, g[V2], v2=True)]

    def boot_cells(key, raw, target):
        """native, skiff, ratio and target of figure key; raw: {kind: the runs or why not}."""
        cells = []
        for kind in ("native", "skiff"):
            v = raw.get(kind)
            if isinstance(v, dict):
                s = cell(fig, changed, key, kind)
                if v.get("cpu1_late"):
                    s += " (2 s CPU wait)"
                cells.append(s)
            else:
                cells.append("n/a: " + (v or linux_why or "not run"))
        return cells + [cell(fig, changed, key, "ratio", "n/a: needs both"),
                        "<= %.2f" % target if target else ""]

    lrows = []
    for smp in LINUX_SMPS:
        raw = {kind: linux.get("%s-smp%d" % (kind, smp)) for kind in ("native", "skiff")}
        lrows.append(["  reset -> `skiff-guest: init`, -smp %d, median of %d" % (smp, LINUX_RUNS)]
                     + boot_cells("linux.smp%d" % smp, raw, LINUX_TARGET.get(smp)))
    out.append("")
    out.append(render(lrows, ["5. guest Linux boot (instructions)", "native", "skiff",
                              "skiff/native", "target"]))

    crows = []
    for load in CONTENTION_LOADS:
        v = linux.get("contention-" + load)
        raw = v if isinstance(v, dict) else {"native": v, "skiff": v}
        what = ("quiet: nothing else started by make bench" if load == "quiet" else
                "loaded: a busy loop on one host CPU beside it")
        runs = ", median of %d" % len(v["native"]["runs"]) if isinstance(v, dict) else ""
        crows.append(["  " + what + runs] +
                     boot_cells("contention." + load, raw, CONTENTION_TARGET))
        if isinstance(v, dict) and all("others_s" in v[kind] for kind in ("native", "skiff")):
            crows.append(["    the rest of the host meanwhile (busy loop excepted), median"] +
                         ["%.2f" % v[kind]["others_s"] for kind in ("native", "skiff")] +
                         ["", ""])
    cpus = next((v["host_cpus"] for v in linux.values() if isinstance(v, dict) and
                 "host_cpus" in v), None)
    out.append("")
    out.append(render(crows, ["5b. the same -smp %d boot, no -icount: QEMU's CPU seconds%s" % (
        CONTENTION_SMP, " on %d host CPUs" % cpus if cpus else ""), "native", "skiff",
        "skiff/native", "target"]))

    frows = [["  build/skiff.bin", "%d bytes" % fp["skiff.bin"]]]
    for s in (".text", ".rodata", ".data", ".bss"):
        frows.append(["  " + s, "%s bytes" % fp.get(s, "n/a: not in skiff.elf")])
    res = fp["reserved"]
    frows.append(["  reserved at run time (default config)",
                  "%d KiB from %s (load address + _end = %d bytes, up to 2 MiB)" % (
                      res // 1024, fp["load"], fp["_end"]) if isinstance(res, int) else res])
    tot = 0
    for d in sorted(fp["lines"], key=("arch", "lib", "hyp", "irq", "drivers").index):
        per = fp["lines"][d]
        s = sum(per.values())
        tot += s
        frows.append(["  source lines %s/" % d, "%d (.c %d, .h %d, .S %d)" % (
            s, per[".c"], per[".h"], per[".S"])])
    frows.append(["  source lines, all five", str(tot)])
    out.append("")
    out.append(render(frows, ["6. footprint", ""], left=2))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update-baseline", action="store_true",
                    help="rewrite the baseline from this run")
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--no-linux", action="store_true", help="skip the Linux boot rows")
    ap.add_argument("--no-contention", action="store_true",
                    help="skip the contention rows (the -smp 4 boot's CPU time)")
    ap.add_argument("--no-loaded", action="store_true",
                    help="skip the loaded contention row, keep the quiet one")
    ap.add_argument("--contention-runs", type=int, metavar="N",
                    default=int(os.environ.get("SKIFF_BENCH_CONTENTION_RUNS",
                                               CONTENTION_RUNS)),
                    help="boots per kind and load in the contention rows (default %d, or "
                    "SKIFF_BENCH_CONTENTION_RUNS); about 5 s each quiet, 7 s loaded"
                    % CONTENTION_RUNS)
    ap.add_argument("--no-channel", action="store_true", help="skip the channel row (7)")
    ap.add_argument("--no-interference", action="store_true",
                    help="skip section 7 (the RT guest beside Linux's load)")
    ap.add_argument("--replay", metavar="JSON",
                    help="no QEMU: the table and comparison again from a bench.json")
    a = ap.parse_args()
    t0 = time.monotonic()
    if a.replay:
        with open(a.replay) as f:
            old = json.load(f)
        g, fp = old["raw"], old["footprint"]
        lx = old["linux"]
        linux = {k: (v if isinstance(v, dict) else v[len("n/a: "):])
                 for k, v in lx.items()} if isinstance(lx, dict) else {}
        why = None if isinstance(lx, dict) else lx[len("n/a: "):]
        inter = old.get("interference", {})
        a.out = os.path.join(BENCH_DIR, "replay.json")
        chan = old.get("channel")
    else:
        for need in (SKIFF_BIN, SKIFF_ELF, GUEST):
            if not os.path.isfile(need):
                sys.exit("bench: %s missing: run make all %s" % (rel(need), rel(GUEST)))
        os.makedirs(LOG_DIR, exist_ok=True)
        try:
            g = {col: guest_run(col) for col in COLUMNS}
            g[V2] = {col: guest_run(col, gic=2) for col in V2_COLUMNS}
        except BenchError as e:
            print("bench: FAILED: %s" % e, flush=True)
            return 1
        linux, why = {}, None
        why = "skipped (--no-linux)" if a.no_linux else prepare_linux()
        if why is None:
            for smp in LINUX_SMPS:
                for kind in ("native", "skiff"):
                    v, err = linux_boot(kind, smp)
                    linux["%s-smp%d" % (kind, smp)] = v if v else err
            for load in CONTENTION_LOADS:
                key = "contention-" + load
                if a.no_contention or a.contention_runs < 1:
                    linux[key] = "skipped (--no-contention)"
                elif load == "loaded" and a.no_loaded:
                    linux[key] = "skipped (--no-loaded)"
                else:
                    v, err = contention(load, a.contention_runs)
                    linux[key] = v if v else err
        else:
            say("Linux rows: n/a: " + why)
        chan = {"error": "skipped (--no-channel)"} if a.no_channel else \
            bench_channel.measure(LOG_DIR)
        inter = {} if a.no_interference else bench_interference.run(
            sys.modules[__name__], linux=not a.no_linux)
        fp = footprint()

    fig = figures(g, linux)
    fig.update(bench_channel.figures(chan))
    bench_interference.figures(lambda k, c, v: fig.setdefault(k, {}).__setitem__(
        c, round(v, 3) if isinstance(v, float) else v), inter)
    base = None
    if os.path.isfile(a.baseline):
        with open(a.baseline) as f:
            base = json.load(f)
    changed = {} if a.update_baseline else compare(fig, base)
    qemu_version = subprocess.run([QEMU, "--version"], stdout=subprocess.PIPE).stdout.decode()
    result = {
        "method": {
            "qemu": qemu_version.splitlines()[0] if qemu_version else "?",
            "qemu_args": ICOUNT + ["-cpu", "cortex-a57", "-smp", str(GUEST_SMP)],
            "machines": {"gicv3": [NATIVE_M[1], SKIFF_M[1]],
                         V2: [V2_NATIVE_M[1], V2_SKIFF_M[1]]},
            "counter": "PMCCNTR_EL0, PMCCFILTR_EL0.NSH=1: instructions at EL0/1/2",
            "contention": {
                "qemu_args": MTTCG + ["-smp", str(CONTENTION_SMP)],
                "cpu_time": "QEMU's user + system CPU seconds (RUSAGE_CHILDREN), median",
                "loaded": "python3 -c '%s' pinned to one host CPU" % BURNER[2],
                "host_cpus": len(os.sched_getaffinity(0)),
            },
            "skiff": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                                    ).stdout.decode().strip() or "unknown",
        },
        "figures": fig,
        "linux": {k: v if isinstance(v, dict) else "n/a: " + str(v) for k, v in linux.items()}
        if linux else "n/a: " + str(why),
        "footprint": fp,
        "raw": g,
        "channel": chan,
        "interference": inter,
        "baseline": {
            "file": rel(a.baseline),
            "changed": [{"figure": k, "column": c, "old": o, "new": fig[k][c]}
                        for (k, c), o in sorted(changed.items())],
        },
    }
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")

    print()
    print(table(fig, changed, g, linux, why, fp))
    if inter:
        print()
        print(bench_interference.table(fig, lambda f, k, c: cell(f, changed, k, c), render))
    print()
    print(bench_channel.table(chan, lambda k, c: cell(fig, changed, k, c), render))
    print()
    if a.update_baseline or (base is None and not a.replay):
        with open(a.baseline, "w") as f:
            json.dump({"method": result["method"], "figures": fig}, f, indent=1,
                      sort_keys=True)
            f.write("\n")
        say("baseline %s %s from this run" % (rel(a.baseline),
                                              "rewritten" if base else "written"))
    elif base is None:
        say("no baseline %s: make bench BASELINE=update writes one" % rel(a.baseline))
    elif changed:
        say("%d figure(s) moved more than %d %% against %s (marked !was): "
            "make bench BASELINE=update accepts them" % (len(changed), THRESHOLD * 100,
                                                         rel(a.baseline)))
    else:
        say("every figure within %d %% of %s" % (THRESHOLD * 100, rel(a.baseline)))
    hw = [("GICv3", fig.get("roundtrip.overhead", {}).get("hw")),
          ("GICv2 with HW=1 (hw-lr)", fig.get(V2 + ".roundtrip.overhead", {}).get("hw-lr"))]
    hw = ["%s %s" % (w, "+" + fmt(v) if v is not None else "n/a") for w, v in hw]
    say("hw round trip over native: %s (target: at most +%d)" % (", ".join(hw), HW_TARGET))
    if inter:
        say(bench_interference.verdict(fig))
    if any(g[m]["_cpu1_late"] for m in MODES) or \
            any(kv["_cpu1_late"] for kv in g.get(V2, {}).values()):
        say("note: skiff's boot waited 2 s (2e9 instructions) for cpu1 under -icount "
            "(bench/README.md, 'Known effects of the method')")
    q = linux.get("contention-quiet")
    if isinstance(q, dict):
        busy = [q[k]["others_s"] * len(q[k]["runs"]) / q[k]["wall_s"]
                for k in ("native", "skiff") if "others_s" in q[k] and q[k]["wall_s"]]
        if busy and max(busy) > BUSY_HOST:
            say("note: the host was busy with other work during the quiet contention runs (%.1f "
                "CPUs on average besides QEMU): those figures are not quiet" % max(busy))
    say("%s written; logs in %s; %.0f s" % (rel(a.out), rel(LOG_DIR), time.monotonic() - t0))
    return 1 if bench_channel.broken(chan) else 0


if __name__ == "__main__":
    sys.exit(main())
