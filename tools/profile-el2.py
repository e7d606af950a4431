#!/usr/bin/env python3
"""tools/profile-el2.py - where skiff's EL2 instructions go, per guest exit and per function.

    tools/profile-el2.py [MODE] [--gic 3|2] [--top N] [--min-exits N] [--keep-log] [--reuse]
                         [--only SUBSTRING]

Runs make bench's guest once, exactly as tools/bench.py runs it (guest_run: same QEMU command
line, same -icount shift=0,sleep=off, same self-checks), with QEMU's own trace added:
`-d in_asm,exec,nochain -D build/profile/NAME.tb.log`. With nochain QEMU logs every
translation block (TB) it executes ("Trace CPU: PTR [cs_base/PC/flags/cflags]") and in_asm the
instructions of each TB when it is translated, so the executed instructions are known one by
one. Two QEMU messages mark TBs that did not run to their end, and are taken into account:
"Stopped execution of TB chain before PTR" (the TB ran no instruction: icount budget or an
interrupt) and "cpu_io_recompile: rewound execution of TB to PC" (an MMIO access in the middle
of a TB under icount: the instructions before PC ran, then a one-instruction TB does the access).
A TB cut short by a synchronous exception is the guest's (a trapped store); EL2 takes none.

Every instruction at an address of skiff's image (its load address from its
"boot: firmware at" line, the code checked word by word against build/skiff.elf) is EL2's and
is attributed to the function of build/skiff.elf it lies in (aarch64-linux-gnu-nm -n; the
vector table as el2_vectors[SLOT]). Per CPU, a maximal run of EL2 TBs entered at a lower-EL
vector is one exit; exits are grouped by their vector slot, the guest PC they return to
(symbolized with build/guests/bench.elf and addr2line) and the set of functions they ran, so
the 1000 PSCI_VERSION calls of the benchmark are one group. For each group (at least --min-exits exits) it prints the EL2
instructions per exit, from the vector's first instruction to the ERET inclusive (what the
guest's own PMCCNTR_EL0 sees around the trapping instruction; skiff's counters,
SKIFF_CNT_VCPU_EL2_COST, leave out the 3 instructions of their own measurement), and per
function: self (its own instructions), incl (itself and what it called, from a call
stack kept with BL/BLR/RET; a tail call's cost goes to the caller's callers) and calls, each
per exit. At the end, skiff's own per-exit figures from the same run, for comparison.

MODE is a column of tools/bench.py (hw, eoi, oneshot; on --gic 2 also hw-lr); default hw.
The trace is about 0.5 GB a run (build/profile/, deleted unless --keep-log); --reuse analyses
a kept one again without QEMU. Run `make all build/guests/bench.bin` first (make bench does).
"""

import argparse
import bisect
import collections
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (tools/bench.py: the run itself)

PROFILE_DIR = os.path.join(bench.BUILD, "profile")
GUEST_ELF = os.path.join(bench.BUILD, "guests", "bench.elf")
CROSS = bench.CROSS
TRACE_FLAGS = "in_asm,exec,nochain"
TIMEOUT = 900  # the traced run takes 10-30 s

VECTORS_SIZE = 0x800
SLOT_SIZE = 0x80
LOWER_EL_SLOTS = range(8, 16)
SLOT_NAMES = ["cur SP0 sync", "cur SP0 IRQ", "cur SP0 FIQ", "cur SP0 SError",
              "cur SPx sync", "cur SPx IRQ", "cur SPx FIQ", "cur SPx SError",
              "lower A64 sync", "lower A64 IRQ", "lower A64 FIQ", "lower A64 SError",
              "lower A32 sync", "lower A32 IRQ", "lower A32 FIQ", "lower A32 SError"]

LOAD_RE = re.compile(r"skiff: boot: firmware at 0x([0-9a-f]+),")
TRACE_RE = re.compile(rb"^Trace (\d+): (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
STOPPED_RE = re.compile(rb"^Stopped execution of TB chain before (0x[0-9a-f]+) \[([0-9a-f]+)\]")
REWOUND_RE = re.compile(rb"^cpu_io_recompile: rewound execution of TB to ([0-9a-f]+)")
ADDR_RE = re.compile(r"^0x[0-9a-f]{16}$")
INSN_RE = re.compile(rb"^0x([0-9a-f]+):\s+([0-9a-f]{8})\s+(\S+)")
CALLS = (b"bl", b"blr", b"blraa", b"blrab", b"blraaz", b"blrabz")
RETURNS = (b"ret", b"retaa", b"retab")


class ProfileError(Exception):
    pass


def elf_text(path):
    """(address, bytes) of the .text section of an ELF64 little-endian file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ProfileError("%s: not an ELF64 little-endian file" % path)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        name, _, _, addr, off, size = sh(i)[:6]
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".text":
            return addr, data[off:off + size]
    raise ProfileError("%s: no .text" % path)


def text_symbols(elf):
    """Sorted [(address, name)] of elf's code symbols (aarch64-linux-gnu-nm -n)."""
    out = subprocess.run([CROSS + "nm", "-n", elf], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TtWw" and not f[2].startswith("$"):
            a = int(f[0], 16)
            # several names at one address (_start, el2_vectors): keep the first without "_"
            if a not in syms or (syms[a].startswith("_") and not f[2].startswith("_")):
                syms[a] = f[2]
    return sorted(syms.items())


class Symbolizer:
    """Code addresses of an ELF loaded at base: symbol+offset (nm), and for skiff the chain of
    functions an instruction belongs to, inlined ones included (addr2line -i, innermost
    first; the symbol where there is no line information, as in vectors.S)."""

    def __init__(self, elf, base):
        self.elf = elf
        self.base = base
        syms = text_symbols(elf)
        self.addrs = [a + base for a, _ in syms]
        self.names = [n for _, n in syms]
        self.chains = {}

    def symbol(self, pc):
        off = pc - self.base
        if 0 <= off < VECTORS_SIZE:
            return "el2_vectors[%d]" % (off // SLOT_SIZE)
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"

    def where(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return "%s+0x%x" % (self.names[i], pc - self.addrs[i]) if i >= 0 else "0x%x" % pc

    def load_chains(self, start, size):
        """addr2line over every instruction of [start, start + size) (link addresses)."""
        addrs = "\n".join("0x%x" % a for a in range(start, start + size, 4))
        out = subprocess.run([CROSS + "addr2line", "-a", "-f", "-i", "-e", self.elf],
                             input=addrs, stdout=subprocess.PIPE, universal_newlines=True,
                             check=True).stdout.splitlines()
        cur, chain = None, []
        for ln in out + ["0x" + "0" * 16]:
            if ADDR_RE.match(ln):
                if cur is not None:
                    self.add_chain(cur, chain)
                cur, chain = int(ln, 16), []
            else:
                chain.append(ln)

    def add_chain(self, addr, lines):
        pc = addr + self.base
        funcs = []
        for fn, loc in zip(lines[0::2], lines[1::2]):
            loc = loc.split(" (")[0]
            if fn == "??" or loc.startswith("??") or loc.endswith(":?"):
                funcs.append((self.symbol(pc), "%s, no line information" % self.symbol(pc)))
                break
            funcs.append((fn, "%s:%s" % (os.path.relpath(loc.rsplit(":", 1)[0], ROOT),
                                          loc.rsplit(":", 1)[1])))
        if 0 <= addr < VECTORS_SIZE:
            funcs = [(self.symbol(pc), "%s, no line information" % self.symbol(pc))]
        self.chains[pc] = tuple(funcs) or ((self.symbol(pc), self.where(pc)),)

    def chain(self, pc):
        c = self.chains.get(pc)
        return c if c else ((self.symbol(pc), self.where(pc)),)


class Group:
    """The exits with one vector slot, one return PC and one set of functions run."""

    def __init__(self):
        self.n = 0
        self.total = 0
        self.lo = None
        self.hi = 0
        self.cpus = set()
        self.self_ = collections.Counter()
        self.incl = collections.Counter()
        self.calls = collections.Counter()
        self.lines = collections.Counter()


class Episode:
    """A run of EL2 TBs on one CPU; exit: entered at a lower EL's vector."""
    __slots__ = ("start", "exit", "insns", "self_", "incl", "calls", "lines")

    def __init__(self, start, is_exit):
        self.start = start
        self.exit = is_exit
        self.insns = 0
        self.self_ = collections.Counter()
        self.incl = collections.Counter()
        self.calls = collections.Counter()
        self.lines = collections.Counter()


class Cpu:
    def __init__(self, idx):
        self.idx = idx
        self.episode = None  # the run of EL2 TBs going on
        self.stack = []      # per call depth: the functions of every caller
        self.call_pending = False
        self.seen_el2 = False


class Profile:
    def __init__(self, base, text_addr, text, sym, guest_text):
        self.base = base
        self.lo = base + text_addr
        self.hi = self.lo + len(text)
        self.text = text
        self.sym = sym
        self.tbs = {}      # ptr -> (pc, [words], last mnemonic)
        self.new_tb = None
        self.pending = None  # the last TB traced: (cpu, ptr, pc), not yet known to have run
        self.cpus = {}
        self.groups = collections.defaultdict(Group)
        self.segs = {}     # (pc, n) -> [(function, count)]
        self.el2_other = 0  # EL2 instructions outside guest exits (boot, idle, parked)
        self.el2_total = 0
        self.mismatch = 0
        self.unknown_tbs = 0
        self.partial = 0
        self.stopped = 0
        self.guest_base = None  # False: the guest's first TB is not build/guests/bench.elf's
        self.guest_text = guest_text

    # -- the TB log
    def parse(self, path):
        block = None
        with open(path, "rb") as f:
            for line in f:
                c = line[:1]
                if c == b"T":
                    m = TRACE_RE.match(line)
                    if m:
                        self.trace(int(m.group(1)), m.group(2), int(m.group(3), 16))
                        continue
                elif c == b"0" and block is not None:
                    m = INSN_RE.match(line)
                    if m:
                        block[1].append(int(m.group(2), 16))
                        block[2] = m.group(3)
                        if not block[1][1:]:
                            block[0] = int(m.group(1), 16)
                        continue
                elif c == b"I" and line.startswith(b"IN:"):
                    block = [None, [], b""]
                    continue
                elif c == b"\n" or c == b"-":
                    if block is not None and block[1]:
                        self.new_tb = block
                    block = None
                    continue
                elif c == b"S":
                    m = STOPPED_RE.match(line)
                    if m:
                        self.stop(m.group(1))
                        continue
                elif c == b"c":
                    m = REWOUND_RE.match(line)
                    if m:
                        self.rewound(int(m.group(1), 16))
                        continue
        self.commit(None)
        for cpu in self.cpus.values():
            if cpu.episode is not None:
                self.end_episode(cpu, None)

    def trace(self, cpu, ptr, pc):
        self.commit(None)
        if self.new_tb is not None and self.new_tb[0] == pc:
            self.tbs[ptr] = self.new_tb
            if self.lo <= pc < self.hi:
                self.check_words(self.new_tb)
            self.new_tb = None
        self.pending = (cpu, ptr, pc)

    def stop(self, ptr):
        if self.pending is not None and self.pending[1] == ptr:
            self.stopped += 1
            self.pending = None

    def rewound(self, pc):
        if self.pending is not None:
            p = self.pending[2]
            self.commit((pc - p) // 4)
            self.partial += 1

    def check_words(self, tb):
        off = tb[0] - self.lo
        want = self.text[off:off + 4 * len(tb[1])]
        if want != struct.pack("<%dI" % len(tb[1]), *tb[1]):
            self.mismatch += 1

    def commit(self, n):
        """The pending TB ran n instructions (None: all of them)."""
        if self.pending is None:
            return
        cpu_i, ptr, pc = self.pending
        self.pending = None
        tb = self.tbs.get(ptr)
        if tb is None or tb[0] != pc:
            self.unknown_tbs += 1
            return
        cpu = self.cpus.get(cpu_i) or self.cpus.setdefault(cpu_i, Cpu(cpu_i))
        el2 = self.lo <= pc < self.hi
        if not el2:
            if cpu.seen_el2 and self.guest_base is None:
                # skiff enters its guest at the image's first instruction: checked
                self.guest_base = pc if self.guest_text.startswith(
                    struct.pack("<%dI" % len(tb[1]), *tb[1])) else False
            if cpu.episode is not None:
                self.end_episode(cpu, pc)
            return
        cpu.seen_el2 = True
        full = n is None or n >= len(tb[1])
        n = len(tb[1]) if n is None else min(n, len(tb[1]))
        if n <= 0:
            return  # rewound to its first instruction: the access runs in the next TB
        self.el2_total += n
        if cpu.episode is None:
            off = pc - self.base
            cpu.episode = Episode(pc, 0 <= off < VECTORS_SIZE and off // SLOT_SIZE in LOWER_EL_SLOTS)
            cpu.stack = [frozenset()]
            cpu.call_pending = False
        ep = cpu.episode
        ep.insns += n
        if not ep.exit:
            return  # boot, idle, parked: only counted
        segs = self.segments(pc, n)
        if cpu.call_pending:
            ep.calls[segs[0][0][-1][0]] += 1  # the callee: the outermost function there
            cpu.call_pending = False
        on_stack = cpu.stack[-1]
        for chain, k, funcs in segs:
            ep.self_[chain[0][0]] += k
            ep.lines[chain[0]] += k
            for fn in on_stack | funcs:
                ep.incl[fn] += k
        if full:
            last = tb[2]
            if last in CALLS:
                cpu.stack.append(on_stack | segs[-1][2])
                cpu.call_pending = True
            elif last in RETURNS and len(cpu.stack) > 1:
                cpu.stack.pop()

    def segments(self, pc, n):
        """[(chain, count)] of the first n instructions of the TB at pc"""
        key = (pc, n)
        s = self.segs.get(key)
        if s is None:
            s = []
            for i in range(n):
                c = self.sym.chain(pc + 4 * i)
                if s and s[-1][0] == c:
                    s[-1][1] += 1
                else:
                    s.append([c, 1])
            s = [(c, k, frozenset(f for f, _ in c)) for c, k in s]
            self.segs[key] = s
        return s

    def end_episode(self, cpu, ret_pc):
        ep = cpu.episode
        cpu.episode = None
        if not ep.exit or ret_pc is None:
            self.el2_other += ep.insns
            return
        # one site can take different paths (eoi mode: the SPI and its maintenance interrupt
        # interrupt the guest at the same place): a group per set of functions run
        g = self.groups[((ep.start - self.base) // SLOT_SIZE, ret_pc, frozenset(ep.self_))]
        g.n += 1
        g.total += ep.insns
        g.lo = ep.insns if g.lo is None else min(g.lo, ep.insns)
        g.hi = max(g.hi, ep.insns)
        g.cpus.add(cpu.idx)
        g.self_.update(ep.self_)
        g.incl.update(ep.incl)
        g.calls.update(ep.calls)
        g.lines.update(ep.lines)


def guest_lines(pcs, base):
    """{pc: 'symbol+off (file:line)'} for guest PCs, from build/guests/bench.elf."""
    if not base or not os.path.isfile(GUEST_ELF) or not pcs:
        return {}
    sym = Symbolizer(GUEST_ELF, base)
    r = subprocess.run([CROSS + "addr2line", "-e", GUEST_ELF, "-i"] +
                       ["0x%x" % (p - base) for p in pcs], stdout=subprocess.PIPE,
                       universal_newlines=True)
    # addr2line -i prints the inlined chain, innermost first; the lines of each address are
    # not delimited, so ask again one at a time when inlining makes the output longer
    out = {}
    lines = r.stdout.splitlines()
    if len(lines) == len(pcs):
        for p, ln in zip(pcs, lines):
            out[p] = "%s (%s)" % (sym.where(p), os.path.basename(ln))
        return out
    for p in pcs:
        r = subprocess.run([CROSS + "addr2line", "-e", GUEST_ELF, "-i", "0x%x" % (p - base)],
                           stdout=subprocess.PIPE, universal_newlines=True)
        chain = " < ".join(os.path.basename(x) for x in r.stdout.split())
        out[p] = "%s (%s)" % (sym.where(p), chain)
    return out


def report(prof, kv, top, min_exits, only, nlines):
    groups = sorted(((k, g) for k, g in prof.groups.items() if g.n >= min_exits),
                    key=lambda kg: -kg[1].total)
    # the guest instruction an exit is about: the trapped one for a synchronous exit (the PC
    # it returns to is the next), the interrupted one otherwise
    site = {k: k[1] - 4 if k[0] in (8, 12) else k[1] for k, _ in groups}
    paths = collections.Counter(k[:2] for k in prof.groups)
    where = guest_lines(sorted(set(site.values())), prof.guest_base)
    in_exits = sum(g.total for g in prof.groups.values())
    print("EL2 instructions: %d, of them %d in %d guest exits (%d groups), %d outside exits "
          "(boot, idle)" % (prof.el2_total, in_exits, sum(g.n for g in prof.groups.values()),
                            len(prof.groups), prof.el2_other))
    print("TBs: %d cut short by an MMIO access (io_recompile), %d stopped before their first "
          "instruction; %d traced TBs without their instructions (should be 0), %d EL2 TBs "
          "whose code differs from %s (should be 0)" % (
              prof.partial, prof.stopped, prof.unknown_tbs, prof.mismatch,
              bench.rel(bench.SKIFF_ELF)))
    for key, g in groups:
        label = where.get(site[key], "0x%x" % site[key])
        if only and only not in label:
            continue
        print()
        print("== %s exit at guest %s, %d exits on cpu %s%s" % (
            SLOT_NAMES[key[0]], label, g.n, ",".join(str(c) for c in sorted(g.cpus)),
            "" if paths[key[:2]] == 1 else " (one of %d paths taken there)" % paths[key[:2]]))
        print("   EL2 instructions per exit: %.1f (min %d, max %d), vector to ERET inclusive" % (
            g.total / g.n, g.lo, g.hi))
        print("   %9s %9s %7s  %s" % ("self", "incl", "calls", "function (per exit)"))
        rows = g.self_.most_common()
        for fn, n in rows[:top]:
            print("   %9.1f %9.1f %7.2f  %s" % (n / g.n, g.incl[fn] / g.n, g.calls[fn] / g.n, fn))
        rest = rows[top:]
        if rest:
            print("   %9.1f %9s %7s  (%d more functions)" % (
                sum(n for _, n in rest) / g.n, "", "", len(rest)))
        if nlines:
            print("   %9s  %s" % ("insns", "source line (per exit)"))
            for (fn, loc), n in g.lines.most_common(nlines):
                print("   %9.1f  %s (%s)" % (n / g.n, loc, fn))
    if kv:
        print()
        print("skiff's own counters in this run (EL2 instructions per exit; they leave out "
              "the 3 of their own measurement):")
        for k in sorted(kv):
            if k.endswith(".el2") and kv.get(k[:-4] + ".exits"):
                print("   %-24s %8.1f" % (k[:-4], kv[k] / kv[k[:-4] + ".exits"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", nargs="?", default="hw",
                    help="a column of tools/bench.py: hw, eoi, oneshot (GICv2: also hw-lr)")
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3)
    ap.add_argument("--top", type=int, default=20, help="functions shown per group")
    ap.add_argument("--min-exits", type=int, default=100,
                    help="groups with fewer exits are not shown")
    ap.add_argument("--lines", type=int, default=0, metavar="N",
                    help="also the N source lines with the most instructions per group")
    ap.add_argument("--only", help="only groups whose guest site contains this text")
    ap.add_argument("--keep-log", action="store_true", help="keep the TB log for --reuse")
    ap.add_argument("--reuse", action="store_true",
                    help="analyse the kept TB log of an earlier run again, no QEMU")
    a = ap.parse_args()
    if a.mode == "native":
        sys.exit("profile-el2: natively there is no EL2")
    name = ("guest-" if a.gic == 3 else bench.V2 + "-guest-") + a.mode
    console = os.path.join(PROFILE_DIR, name + ".log")
    tblog = os.path.join(PROFILE_DIR, name + ".tb.log")
    kv = None
    if not a.reuse:
        for need in (bench.SKIFF_BIN, bench.SKIFF_ELF, bench.GUEST):
            if not os.path.isfile(need):
                sys.exit("profile-el2: %s missing: run make all %s" % (
                    bench.rel(need), bench.rel(bench.GUEST)))
        os.makedirs(PROFILE_DIR, exist_ok=True)
        try:
            kv = bench.guest_run(a.mode, gic=a.gic, log_dir=PROFILE_DIR, timeout=TIMEOUT,
                                 extra_args=["-d", TRACE_FLAGS, "-D", bench.rel(tblog)])
        except bench.BenchError as e:
            sys.exit("profile-el2: FAILED: %s" % e)
    elif not os.path.isfile(tblog):
        sys.exit("profile-el2: %s missing: run once with --keep-log" % bench.rel(tblog))
    try:
        with open(console, errors="replace") as f:
            text = f.read()
        m = LOAD_RE.search(text)
        if not m:
            raise ProfileError("no 'boot: firmware at' line in %s" % bench.rel(console))
        if kv is None:
            kv = {k: int(v) for k, v in bench.KV_RE.findall(text)}
        base = int(m.group(1), 16)
        text_addr, text_bytes = elf_text(bench.SKIFF_ELF)
        sym = Symbolizer(bench.SKIFF_ELF, base)
        sym.load_chains(text_addr, len(text_bytes))
        guest_text = elf_text(GUEST_ELF)[1] if os.path.isfile(GUEST_ELF) else b""
        prof = Profile(base, text_addr, text_bytes, sym, guest_text)
        prof.parse(tblog)
    except ProfileError as e:
        sys.exit("profile-el2: %s" % e)
    finally:
        if not a.keep_log and not a.reuse and os.path.exists(tblog):
            os.unlink(tblog)
    print("profile-el2: %s (GICv%d), skiff at 0x%x, guest at 0x%x" % (
        name, a.gic, base, prof.guest_base or 0))
    report(prof, kv, a.top, a.min_exits, a.only, a.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
