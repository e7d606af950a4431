#!/usr/bin/env python3
"""Runs skiff's libFuzzer targets (`make fuzz`; tests/fuzz/README.md says what each checks).

    tools/fuzz.py [--build build] [--time SECONDS] [--target NAME] [--list]
    tools/fuzz.py --coverage [--target NAME]   (after make fuzz-coverage-build)

Each target build/fuzz/fuzz_<name> runs for --time seconds (default 300, FUZZ_TIME in make)
over its corpus build/fuzz/corpus/<name>/ (kept between runs), seeded with the committed seeds
tests/fuzz/seeds/<name>/, the crash regressions tests/fuzz/regress/<name>/ and, for the
device-tree targets, seeds made here from the unit tests' fixtures (build/tests/dtb,
build/tests/config, build/dts) into build/fuzz/seeds/<name>/. A crash, leak, timeout or
out-of-memory input goes to build/fuzz/crashes/<name>/; `build/fuzz/fuzz_<name> FILE` replays
it. Prints per target the executions reached, coverage and whether anything was found; exits 1
if a target found something or did not run, 0 otherwise. Logs: build/fuzz/logs/<name>.log.

--coverage replays each target's corpus and seeds through build/fuzz/coverage/fuzz_<name> (clang
source-based coverage, `make fuzz-coverage-build`) and prints llvm-cov's line and region coverage
of the skiff sources the target drives (SOURCES), written to build/fuzz/coverage/<name>.txt.

tests/fuzz/test_fuzz.py (the smoke run in `make test`) imports this module.
Standard library only; writes only under the build directory.
"""

import argparse
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FUZZ_SRC = os.path.join(ROOT, "tests", "fuzz")

# name -> -max_len (bytes): the op-sequence targets want short inputs, the tree ones room to grow
TARGETS = {
    "abort": 1024,
    "psci": 2048,
    "vgic_mmio": 2048,
    "platform": 65536,
    "config_assign": 65536,
    "guest_dtb": 131072,
}

# the skiff sources each target drives (tests/fuzz/fuzz.mk's fuzz_<name>_SRCS), for --coverage
SOURCES = {
    "abort": ["hyp/emul/abort.c"],
    "psci": ["hyp/exit/psci.c", "hyp/core/vm_lookup.c"],
    "vgic_mmio": ["irq/vgic.c", "irq/vgic_dist.c", "irq/vgic_redist.c", "irq/vgic_mmio.c",
                  "irq/sgi.c", "irq/lr.c", "irq/passthrough.c", "irq/emulated.c"],
    "platform": ["hyp/plan/platform.c", "hyp/plan/console_dt.c", "hyp/plan/fdt_addr.c"],
    "config_assign": ["hyp/plan/config.c", "hyp/plan/ledger.c", "hyp/plan/assign.c", "hyp/plan/modules.c",
                      "hyp/plan/fdt_addr.c", "hyp/plan/fdt_index.c",
                      "hyp/plan/platform.c"],
    "guest_dtb": ["hyp/plan/guest_dtb.c", "hyp/plan/fdt_write.c", "hyp/plan/config.c", "hyp/plan/ledger.c", "hyp/plan/assign.c",
                  "hyp/plan/modules.c",
                  "hyp/plan/fdt_addr.c", "hyp/plan/fdt_index.c", "hyp/plan/platform.c"],
}

FDT_MAGIC = 0xd00dfeed
STAT_RE = re.compile(r"^stat::(\w+):\s*(\d+)")
# "#N  NEW  cov: C ft: F corp: K/...", or with --jobs (libFuzzer's -fork) "#N: cov: C ft: F corp: K"
PROGRESS_RE = re.compile(r"^#(\d+)(?::|\s+\w+)\s+cov: (\d+) ft: (\d+)(?: corp: (\d+)\b)?")
DONE_RE = re.compile(r"^Done (\d+) runs in (\d+) second")
ARTIFACT_RE = re.compile(r"Test unit written to (\S+)")


def pack_dtb(blob):
    """The blob without the free space after its last block (QEMU pads its dumps to 1 MiB)."""
    if len(blob) < 40:
        return blob
    magic, total, off_struct, off_strings, off_rsv, _ver, _last, _cpu, size_strings, \
        size_struct = struct.unpack(">10I", blob[:40])
    if magic != FDT_MAGIC or total > len(blob):
        return blob
    end = max(off_struct + size_struct, off_strings + size_strings, off_rsv + 16, 40)
    end = (end + 7) & ~7
    if end >= total:
        return blob
    return blob[:4] + struct.pack(">I", end) + blob[8:end]


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _dtbs(*dirs_and_globs):
    """Sorted .dtb paths under build subdirectories, filtered by a name prefix."""
    out = []
    for d, prefix in dirs_and_globs:
        if os.path.isdir(d):
            out += sorted(os.path.join(d, f) for f in os.listdir(d)
                          if f.endswith(".dtb") and f.startswith(prefix))
    return out


def _write_seeds(seed_dir, seeds):
    shutil.rmtree(seed_dir, ignore_errors=True)
    os.makedirs(seed_dir, exist_ok=True)
    for name, data in seeds:
        with open(os.path.join(seed_dir, name), "wb") as f:
            f.write(data)


def make_seeds(build, target):
    """Writes the seeds made from build fixtures for target into build/fuzz/seeds/<target>/;
    returns that directory, or None for a target that has none."""
    dtb = os.path.join(build, "tests", "dtb")
    cfg = os.path.join(build, "tests", "config")
    dts = os.path.join(build, "dts")
    hosts = _dtbs((dtb, ""), (cfg, "host-"))
    configs = _dtbs((cfg, "asg-"), (cfg, "gdtb-"), (cfg, "bad-"), (cfg, "full"),
                    (cfg, "minimal"), (cfg, "cells1"), (cfg, "compat"), (dts, ""))
    seeds = []
    if target == "platform":
        seeds = [(os.path.basename(h), pack_dtb(_read(h))) for h in hosts]
    elif target == "config_assign":
        # byte 0 picks the host tree (fuzz_config_assign.c's list) and skiff's placement
        for i, c in enumerate(configs):
            data = pack_dtb(_read(c))
            base = os.path.basename(c)
            seeds.append(("h0-" + base, bytes([0]) + data))
            seeds.append(("h%d-%s" % (i % 11, base), bytes([i % 11]) + data))
            if "hx" in base or "extra" in base:
                seeds.append(("hx-" + base, bytes([9]) + data))
            if "gdtb" in base:
                seeds.append(("hg-" + base, bytes([10]) + data))
    elif target == "guest_dtb":
        # flags, host length (little-endian), host tree, configuration (empty: the default)
        gdtb_host = os.path.join(cfg, "host-gdtb.dtb")
        extra_host = os.path.join(cfg, "host-extra.dtb")
        pairs = [(h, None) for h in hosts]
        pairs += [(gdtb_host, c) for c in configs if "gdtb-" in c]
        pairs += [(extra_host, c) for c in configs if "asg-hx" in c]
        qemu4 = os.path.join(dtb, "qemu-smp4.dtb")
        pairs += [(qemu4, c) for c in configs if os.path.basename(c).startswith("asg-")
                  and "hx" not in c]
        for i, (h, c) in enumerate(pairs):
            if not os.path.exists(h) or (c and not os.path.exists(c)):
                continue
            host = pack_dtb(_read(h))
            conf = pack_dtb(_read(c)) if c else b""
            name = "%s+%s" % (os.path.basename(h), os.path.basename(c) if c else "default")
            seeds.append((name, bytes([(i * 37) & 0x0f]) + struct.pack("<I", len(host)) +
                          host + conf))
    else:
        return None
    seed_dir = os.path.join(build, "fuzz", "seeds", target)
    _write_seeds(seed_dir, seeds)
    return seed_dir


def corpus_dirs(build, target):
    """The read-only input directories of target that exist: committed seeds, regressions,
    generated seeds."""
    dirs = [os.path.join(FUZZ_SRC, "seeds", target), os.path.join(FUZZ_SRC, "regress", target)]
    gen = make_seeds(build, target)
    if gen:
        dirs.append(gen)
    return [d for d in dirs if os.path.isdir(d) and os.listdir(d)]


def binary(build, target):
    return os.path.join(build, "fuzz", "fuzz_" + target)


class Result:
    def __init__(self, target):
        self.target = target
        self.execs = 0
        self.seconds = 0
        self.cov = self.ft = self.corp = 0
        self.started = False
        self.found = None  # artifact path of a crash, leak, timeout or OOM
        self.reason = None  # first line saying what was found
        self.exit = None
        self.log = None

    @property
    def ok(self):
        return self.started and self.found is None and self.reason is None and self.exit == 0

    def rate(self):
        return self.execs / self.seconds if self.seconds else float(self.execs)


def _reason(lines):
    for line in lines:
        if line.startswith("fuzz: ") or "ERROR: AddressSanitizer" in line or \
                "runtime error:" in line or "ERROR: libFuzzer" in line or \
                "ERROR: LeakSanitizer" in line or "==ERROR" in line:
            return line.strip()
    return None


def run(build, target, seconds, corpus, inputs, artifacts, log_path, extra=()):
    """Runs one target for seconds over corpus (written to) and inputs (read only); returns a
    Result."""
    r = Result(target)
    r.log = log_path
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    exe = binary(build, target)
    cmd = [exe, "-max_total_time=%d" % seconds, "-max_len=%d" % TARGETS[target],
           "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1",
           "-artifact_prefix=" + artifacts.rstrip("/") + "/"] + list(extra) + [corpus] + inputs
    env = dict(os.environ, SKIFF_BUILD=build,
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "abort_on_error=0"),
               UBSAN_OPTIONS=os.environ.get("UBSAN_OPTIONS", "print_stacktrace=1"))
    start = time.monotonic()
    try:
        with open(log_path, "wb") as log:
            log.write(("# %s\n" % " ".join(cmd)).encode())
            log.flush()
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env=env, start_new_session=True)
            try:
                proc.wait(timeout=seconds + 120)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                r.reason = "did not stop within %d s of its time" % (seconds + 120)
    except OSError as e:
        r.reason = "cannot start %s: %s" % (exe, e)
        return r
    r.exit = proc.returncode
    with open(log_path, "rb") as f:
        lines = f.read().decode("utf-8", "replace").splitlines()
    for line in lines:
        if line.startswith("INFO: Seed:") or "INITED" in line:
            r.started = True
        m = PROGRESS_RE.match(line)
        if m:
            r.execs = max(r.execs, int(m.group(1)))
            r.cov, r.ft = int(m.group(2)), int(m.group(3))
            if m.group(4):
                r.corp = int(m.group(4))
        m = STAT_RE.match(line)
        if m and m.group(1) == "number_of_executed_units":
            r.execs = int(m.group(2))
        m = DONE_RE.match(line)
        if m:
            r.execs = int(m.group(1))
        m = ARTIFACT_RE.search(line)
        if m:
            r.found = m.group(1)
    r.seconds = max(time.monotonic() - start, 1e-3)
    if r.found or r.exit:
        r.reason = r.reason or _reason(lines) or "exit status %s" % r.exit
    return r


def describe(r):
    s = "%d execs in %.0f s (%.0f/s), cov %d ft %d, corpus %d" % (
        r.execs, r.seconds, r.rate(), r.cov, r.ft, r.corp)
    if r.found:
        s += "; FOUND %s: %s" % (os.path.relpath(r.found, ROOT), r.reason)
    elif r.reason:
        s += "; FAILED: %s" % r.reason
    elif not r.started:
        s += "; did not start"
    else:
        s += "; nothing found"
    return s


def coverage(build, target):
    """Line and region coverage of target's SOURCES under its corpus and seeds; the report's
    lines, or an error line."""
    fz = os.path.join(build, "fuzz")
    exe = os.path.join(fz, "coverage", "fuzz_" + target)
    raw = os.path.join(fz, "coverage", target + ".profraw")
    data = os.path.join(fz, "coverage", target + ".profdata")
    if not os.path.exists(exe):
        return ["%s missing: make fuzz-coverage-build" % os.path.relpath(exe, ROOT)]
    dirs = [d for d in [os.path.join(fz, "corpus", target)] + corpus_dirs(build, target)
            if os.path.isdir(d)]
    env = dict(os.environ, LLVM_PROFILE_FILE=raw, SKIFF_BUILD=build)
    subprocess.run([exe, "-runs=0", "-max_len=%d" % TARGETS[target]] + dirs, cwd=ROOT,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["llvm-profdata", "merge", "-sparse", raw, "-o", data], check=True)
    rep = subprocess.run(["llvm-cov", "report", exe, "-instr-profile=" + data] +
                         SOURCES[target], cwd=ROOT, stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    with open(os.path.join(fz, "coverage", target + ".txt"), "w") as f:
        f.write(rep)
    out = []
    for line in rep.splitlines():
        col = line.split()
        # Filename, Regions, Missed, Cover, Functions, Missed, Executed, Lines, Missed, Cover,
        # Branches, Missed, Cover
        if len(col) == 13 and col[1].isdigit():
            lines, lmiss, br, brmiss = (int(col[i]) for i in (7, 8, 10, 11))
            out.append("%s: lines %d/%d (%s), branches %d/%d (%s)" % (
                col[0], lines - lmiss, lines, col[9], br - brmiss, br, col[12]))
    return out or rep.splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--time", type=int, default=300, help="seconds per target (default 300)")
    ap.add_argument("--target", help="one target (%s)" % ", ".join(TARGETS))
    ap.add_argument("--jobs", type=int, default=1,
                    help="processes per target (libFuzzer's -fork; default 1)")
    ap.add_argument("--list", action="store_true", help="list the targets")
    ap.add_argument("--coverage", action="store_true",
                    help="line coverage of each corpus (after make fuzz-coverage-build)")
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(ROOT, a.build))
    if a.list:
        print("\n".join(TARGETS))
        return 0
    targets = list(TARGETS)
    if a.target:
        name = a.target[5:] if a.target.startswith("fuzz_") else a.target
        if name not in TARGETS:
            print("fuzz: no target %s (%s)" % (a.target, ", ".join(TARGETS)))
            return 2
        targets = [name]
    if a.coverage:
        for t in targets:
            print("fuzz_%s:" % t)
            for line in coverage(build, t):
                print("  " + line)
        return 0
    failed = []
    for t in targets:
        print("fuzz_%s: %d s ..." % (t, a.time), flush=True)
        fz = os.path.join(build, "fuzz")
        r = run(build, t, a.time, os.path.join(fz, "corpus", t), corpus_dirs(build, t),
                os.path.join(fz, "crashes", t), os.path.join(fz, "logs", t + ".log"),
                ["-fork=%d" % a.jobs] if a.jobs > 1 else [])
        # the corpus size on disk, after libFuzzer's own additions
        cdir = os.path.join(fz, "corpus", t)
        r.corp = max(r.corp, len(os.listdir(cdir)) if os.path.isdir(cdir) else 0)
        print("fuzz_%s: %s" % (t, describe(r)), flush=True)
        if not r.ok:
            failed.append(t)
            print("fuzz_%s: log %s" % (t, os.path.relpath(r.log, ROOT)), flush=True)
    if failed:
        print("fuzz: found something or failed: %s" % " ".join(failed))
        return 1
    print("fuzz: %d target%s, nothing found" % (len(targets), "" if len(targets) == 1 else "s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
