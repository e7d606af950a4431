#!/usr/bin/env python3
"""`make boards`: build/skiff-check-san (build/skiff-check with ASan and UBSan) over every board
device tree in Debian's arm64 kernel package, and over corrupted copies of each; a table of the
verdicts by SoC family in build/boards/report.md and on stdout.

    tools/boards.py [--build build] [--check PATH] [--mutants N] [--seed S] [--jobs N]
                    [--timeout SECONDS] [--only SUBSTRING] [--sample N]

The package: tools/fetch-linux.sh --kernel-deb (the download `make linux` and `make test` use,
kept in build/linux/dl/); its device trees (usr/lib/linux-image-*/VENDOR/*.dtb) are unpacked
once into build/boards/dtbs/. Nothing here is committed.

Each tree is run as a boot loader would hand it to skiff: with the RAM it says, or, when its
/memory node is missing or gives size 0 (the boot loader fills it in), with --memory BASE:SIZE
(see plan_layout), and with skiff's own 2 MiB (--skiff) in that RAM. Then N corrupted copies
(--mutants, default 6: flipped bytes in the structure block, a truncation, 32-bit cells set to
0 or 0xffffffff, two property lengths swapped, a header field, a token or name offset), each
from its own generator seeded with SEED:TREE:N, so one tree's copies are the same whichever
trees run with it.

A run fails, and the exit status is 1, when skiff-check crashes (a signal), hangs (no exit in
--timeout seconds), prints an ASan or UBSan report, exits with anything but 0 or 1, or (on the
unmodified trees and the copies alike) breaks its output contract:

    skiff-check [--skiff BASE:END] [--memory BASE:SIZE] [CONFIG.dtb] HOST.dtb
    exit 0: one line `console: KIND at 0xADDRESS (PATH)` or `console: none (WHY)` on stdout
    exit 1: `skiff-check: HOST.dtb: REASON` on stderr
    exit 2: bad usage

A skiff-check whose --help does not mention --memory (before that option) is run as
`skiff-check --skiff B:E CONFIG.dtb HOST.dtb` with a board-neutral CONFIG made here (one guest,
every CPU, all RAM, kernel from fw_cfg) and the /memory node added to a copy of the tree with
fdtput; it prints no console line, so its accepted trees are counted as "console unreported".

Failing inputs are kept in build/boards/failures/ with the command that fails; every verdict is
in build/boards/results.tsv. At most 2 runs at a time (--jobs). Writes only under
build/boards/ (and build/linux/dl/, through tools/fetch-linux.sh); changes no tree in place.
"""

import argparse
import collections
import concurrent.futures
import hashlib
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MAX_JOBS = 2
DEFAULT_MUTANTS = 6
DEFAULT_SEED = "1"
DEFAULT_TIMEOUT = 10
# LeakSanitizer's check at exit triples a run's time: it is on for the unmodified trees only
SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:exitcode=86:abort_on_error=0:allocator_may_return_null=0",
    "UBSAN_OPTIONS": "halt_on_error=1:exitcode=87:print_stacktrace=1",
}
SAN_ENV_NO_LEAKS = dict(SAN_ENV, ASAN_OPTIONS=SAN_ENV["ASAN_OPTIONS"].replace("detect_leaks=1",
                                                                            "detect_leaks=0"))
SAN_RE = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|UndefinedBehaviorSanitizer|"
                    r"AddressSanitizer:DEADLYSIGNAL")
CONSOLE_KINDS = ("pl011", "8250", "cadence", "imx", "bcm2835-aux")
CONSOLE_RE = re.compile(r"^console: (%s) at 0x[0-9a-f]+ \(/[^)]*\)$" % "|".join(map(re.escape,
                                                                          CONSOLE_KINDS)))
SILENT_RE = re.compile(r"^console: none \((.+)\)$")
PROG = "skiff-check"

MIB = 1 << 20
GIB = 1 << 30
SKIFF_SIZE = 2 * MIB  # skiff's own memory, as the default --skiff
RAM_SIZE = GIB  # what --memory gives a tree that says nothing of its RAM's size
MIN_RAM = 256 * MIB  # the least a RAM base found by looking for room must have


def say(text):
    sys.stdout.write("boards: %s\n" % text)
    sys.stdout.flush()


# ---- the package: its .deb and its device trees

def kernel_deb(fetch=True):
    """The kernel package's .deb: fetched (or found) by tools/fetch-linux.sh --kernel-deb, or
    with fetch=False only looked for in build/linux/dl/ (None if absent)."""
    if fetch:
        r = subprocess.run([os.path.join(ROOT, "tools", "fetch-linux.sh"), "--kernel-deb"],
                           stdout=subprocess.PIPE, check=False)
        path = r.stdout.decode().strip().splitlines()
        if r.returncode or not path or not os.path.isfile(path[-1]):
            raise SystemExit("boards: tools/fetch-linux.sh --kernel-deb failed (status %d)" %
                             r.returncode)
        return path[-1]
    dl = os.path.join(ROOT, "build", "linux", "dl")
    try:
        debs = sorted(f for f in os.listdir(dl)
                      if re.match(r"linux-image-\d.*-arm64_.*_arm64\.deb$", f))
    except OSError:
        return None
    return os.path.join(dl, debs[-1]) if debs else None


def package_name(deb):
    """'linux-image-6.1.0-57-arm64 6.1.192-3' from the .deb's file name."""
    parts = os.path.basename(deb)[:-len(".deb")].split("_")
    return "%s %s" % (parts[0], parts[1].replace("%3a", ":")) if len(parts) == 3 else deb


def unpack_dtbs(deb, dest):
    """Unpacks usr/lib/linux-image-*/**.dtb from deb into dest (VENDOR/NAME.dtb), once per
    .deb (dest/.source names it); returns dest."""
    stamp = os.path.join(dest, ".source")
    try:
        with open(stamp, encoding="utf-8") as f:
            if f.read().strip() == os.path.basename(deb):
                return dest
    except OSError:
        pass
    say("unpacking the device trees of %s" % os.path.basename(deb))
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    count = 0
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for m in tar:
            parts = [p for p in m.name.split("/") if p not in ("", ".")]
            if not (m.isfile() and len(parts) >= 5 and parts[:2] == ["usr", "lib"] and
                    parts[2].startswith("linux-image-") and parts[-1].endswith(".dtb") and
                    ".." not in parts):
                continue
            out = os.path.join(tmp, *parts[3:])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with tar.extractfile(m) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
            count += 1
    if proc.wait() or not count:
        raise SystemExit("boards: dpkg-deb --fsys-tarfile %s failed or has no .dtb" % deb)
    with open(os.path.join(tmp, ".source"), "w", encoding="utf-8") as f:
        f.write(os.path.basename(deb) + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    return dest


def list_trees(dtbs):
    """The trees under dtbs, as sorted paths relative to it."""
    out = []
    for d, _, files in os.walk(dtbs):
        out.extend(os.path.relpath(os.path.join(d, f), dtbs) for f in files
                   if f.endswith(".dtb"))
    return sorted(out)


# File-name prefixes that are not a SoC alone: their SoC is the next part too
# (sun50i-a64, meson-g12b, fsl-ls1028a, k3-am625, armada-3720).
TWO_PART = {"sun50i", "meson", "fsl", "k3", "armada"}
# Boards named for themselves, not their SoC
ALIASES = {"amd/amd": "amd/seattle", "apm/apm": "apm/x-gene", "xilinx/avnet": "xilinx/zynqmp",
           "xilinx/sm": "xilinx/zynqmp", "xilinx/smk": "xilinx/zynqmp"}


def family(rel):
    """The SoC family of a tree from its vendor directory and file-name prefix:
    rockchip/rk3399-rock-pi-4a.dtb -> rockchip/rk3399, ti/k3-am625-sk.dtb -> ti/k3-am62."""
    vendor, _, name = rel.rpartition("/")
    parts = os.path.basename(name)[:-len(".dtb")].split("-")
    soc = parts[0]
    if soc in TWO_PART and len(parts) > 1:
        soc += "-" + parts[1]
    m = re.match(r"k3-(am\d\d)\d*([a-z]?)", soc)
    if m:  # TI's AM6x: am625 and am62a7 are the AM62 and AM62A, am6548 the AM65
        soc = "k3-" + m.group(1) + m.group(2)
    fam = "%s/%s" % (vendor, soc) if vendor else soc
    return ALIASES.get(fam, fam)


def sample(trees, n, must=()):
    """About n trees spread over the families: the trees in must, then round-robin over the
    vendor directories, each time the first tree of that vendor's largest family not yet
    taken."""
    picked = [t for t in must if t in trees]
    taken = {family(t) for t in picked}
    fams = collections.OrderedDict()
    for t in trees:
        fams.setdefault(t.rpartition("/")[0], collections.OrderedDict()).setdefault(
            family(t), []).append(t)
    queues = {v: sorted(f.values(), key=lambda ts: -len(ts)) for v, f in fams.items()}
    while len(picked) < n and any(queues.values()):
        for v, queue in queues.items():
            while queue and family(queue[0][0]) in taken:
                queue.pop(0)
            if queue and len(picked) < n:
                picked.append(queue[0][0])
                taken.add(family(queue.pop(0)[0]))
    return sorted(picked)


# ---- a flattened device tree, read (the unmodified trees only) and scanned (for corruption)

FDT_MAGIC = 0xd00dfeed
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
HEADER_FIELDS = ("magic", "totalsize", "off_dt_struct", "off_dt_strings", "off_mem_rsvmap",
                 "version", "last_comp_version", "boot_cpuid_phys", "size_dt_strings",
                 "size_dt_struct")


class FdtError(Exception):
    pass


class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.props = {}
        self.children = []

    def path(self):
        if self.parent is None:
            return "/"
        up = self.parent.path()
        return (up if up != "/" else "") + "/" + self.name

    def cells(self, prop):
        v = self.props.get(prop)
        if v is None or len(v) % 4:
            return None
        return [c for (c,) in struct.iter_unpack(">I", v)]

    def cell(self, prop, default):
        c = self.cells(prop)
        return c[0] if c and len(c) == 1 else default

    def string(self, prop):
        v = self.props.get(prop)
        return v.split(b"\0")[0].decode("latin-1") if v else None


def header(blob):
    if len(blob) < 40:
        raise FdtError("shorter than a header")
    h = dict(zip(HEADER_FIELDS, struct.unpack_from(">10I", blob, 0)))
    if h["magic"] != FDT_MAGIC:
        raise FdtError("bad magic")
    return h


def parse_fdt(blob):
    """(root Node, [(base, size) of /memreserve/]); FdtError if malformed."""
    h = header(blob)
    rsv = []
    p = h["off_mem_rsvmap"]
    while True:
        if p + 16 > len(blob):
            raise FdtError("memory reservation block runs off the end")
        base, size = struct.unpack_from(">QQ", blob, p)
        p += 16
        if not base and not size:
            break
        rsv.append((base, size))
    strings = blob[h["off_dt_strings"]:h["off_dt_strings"] + h["size_dt_strings"]]
    p, end = h["off_dt_struct"], h["off_dt_struct"] + h["size_dt_struct"]
    root = cur = None
    try:
        while p < end:
            tok, = struct.unpack_from(">I", blob, p)
            p += 4
            if tok == FDT_BEGIN_NODE:
                e = blob.index(b"\0", p)
                node = Node(blob[p:e].decode("latin-1"), cur)
                if cur is not None:
                    cur.children.append(node)
                elif root is None:
                    root = node
                else:
                    raise FdtError("two roots")
                cur = node
                p = (e + 4) & ~3
            elif tok == FDT_END_NODE:
                if cur is None:
                    raise FdtError("unbalanced end of node")
                cur = cur.parent
            elif tok == FDT_PROP:
                ln, nameoff = struct.unpack_from(">II", blob, p)
                name = strings[nameoff:strings.index(b"\0", nameoff)].decode("latin-1")
                if cur is None or p + 8 + ln > end:
                    raise FdtError("property outside a node or past the block")
                cur.props[name] = blob[p + 8:p + 8 + ln]
                p = (p + 8 + ln + 3) & ~3
            elif tok == FDT_END:
                break
            elif tok != FDT_NOP:
                raise FdtError("bad token %#x" % tok)
    except (struct.error, ValueError) as e:
        raise FdtError(str(e)) from e
    if root is None or cur is not None:
        raise FdtError("no root, or a node left open")
    return root, rsv


def scan(blob):
    """Offsets of the tokens and properties of a (well-formed) tree, for corrupting it:
    {"tokens": [offset], "props": [(offset of the len word, len, name)]}."""
    h = header(blob)
    strings = h["off_dt_strings"]
    p, end = h["off_dt_struct"], h["off_dt_struct"] + h["size_dt_struct"]
    tokens, props = [], []
    while p + 4 <= end:
        tok, = struct.unpack_from(">I", blob, p)
        tokens.append(p)
        p += 4
        if tok == FDT_BEGIN_NODE:
            p = (blob.index(b"\0", p) + 4) & ~3
        elif tok == FDT_PROP:
            ln, nameoff = struct.unpack_from(">II", blob, p)
            e = blob.find(b"\0", strings + nameoff)
            props.append((p, ln, blob[strings + nameoff:e].decode("latin-1")))
            p = (p + 8 + ln + 3) & ~3
        elif tok == FDT_END:
            break
    return {"header": h, "tokens": tokens, "props": props}


# ---- where the RAM and skiff go: what a boot loader would say

def _num(cells):
    v = 0
    for c in cells:
        v = (v << 32) | c
    return v


def regs(node, ac, sc):
    """node's reg as [(address, size)] in its parent's cells (ac, sc)."""
    c = node.cells("reg")
    if not c or not ac or len(c) % (ac + sc):
        return []
    n = ac + sc
    return [(_num(c[i:i + ac]), _num(c[i + ac:i + n])) for i in range(0, len(c), n)]


def is_memory(node):
    return node.string("device_type") == "memory"


def mmio_windows(root):
    """[(base, size)] of the CPU's address space that devices use: the reg of every node
    reached from the root through buses that have ranges, translated through them, and the
    CPU side of a PCIe bus's ranges (its BAR windows). A bus's own window is not counted (some
    SoCs' /soc maps all 4 GiB), nor the RAM nodes, /reserved-memory and /cpus."""
    out = []

    def walk(node, ac, sc, xlate):
        for c in node.children:
            if is_memory(c) or c.name in ("reserved-memory", "cpus", "chosen", "aliases"):
                continue
            for a, s in regs(c, ac, sc):
                cpu = xlate(a)
                if s and cpu is not None:
                    out.append((cpu, s))
            if "ranges" not in c.props:
                continue
            cac, csc = c.cell("#address-cells", 2), c.cell("#size-cells", 1)
            rng = c.cells("ranges")
            if rng == []:
                walk(c, cac, csc, xlate)
                continue
            n = cac + ac + csc
            maps = []
            for i in range(0, len(rng or []) - n + 1, n):
                parent = xlate(_num(rng[i + cac:i + cac + ac]))
                size = _num(rng[i + cac + ac:i + n])
                if parent is not None and size:
                    maps.append((_num(rng[i:i + cac]), parent, size))
            if c.string("device_type") == "pci":
                out.extend((p, s) for _, p, s in maps)
                continue

            def sub(a, maps=maps):
                return next((p + a - ch for ch, p, s in maps if ch <= a < ch + s), None)
            walk(c, cac, csc, sub)

    walk(root, root.cell("#address-cells", 2), root.cell("#size-cells", 1), lambda a: a)
    return out


def reserved_regions(root, rsv):
    """/memreserve/ and the static /reserved-memory regions: [(base, size)]."""
    out = [r for r in rsv if r[1]]
    ac, sc = root.cell("#address-cells", 2), root.cell("#size-cells", 1)
    for c in root.children:
        if c.name == "reserved-memory":
            cac, csc = c.cell("#address-cells", ac), c.cell("#size-cells", sc)
            for r in c.children:
                out.extend(x for x in regs(r, cac, csc) if x[1])
    return out


def overlaps(base, size, windows):
    return any(b < base + size and base < b + s for b, s in windows)


# Where the SoC's DRAM starts (its reference manual), for the families whose trees in the
# package say nothing of it (no /memory, or reg = <0 0>): the first prefix that matches.
DRAM_BASE = (
    ("allwinner/sun50i", 0x40000000),
    ("amd/seattle", 0x8000000000),
    ("broadcom/", 0x0),
    ("freescale/fsl-", 0x80000000),  # Layerscape
    ("freescale/imx8m", 0x40000000),
    ("freescale/imx8", 0x80000000),  # i.MX 8QM, 8QXP, 8DXL, 8ULP
    ("freescale/imx9", 0x80000000),
    ("hisilicon/", 0x0),
    ("marvell/armada", 0x0),
    ("qcom/ipq6018", 0x40000000),
    ("qcom/sdm632", 0x40000000),  # MSM8953
    ("qcom/", 0x80000000),
    ("rockchip/", 0x0),
)


def dram_base(fam):
    return next((b for p, b in DRAM_BASE if fam.startswith(p)), None)


def lowest_free(mmio, limit):
    """For a family DRAM_BASE does not know: the lowest 1 GiB boundary with MIN_RAM after it
    clear of MMIO (0x80000000 if none)."""
    for b in range(0, limit, GIB):
        if not overlaps(b, MIN_RAM, mmio):
            return b
    return 0x80000000 if limit > 0x80000000 else 0


class Layout:
    """What a boot loader tells skiff of a tree's RAM, and where skiff is: ram [(base, size)];
    memory (base, size) for --memory, or None when the tree's /memory says it; memory_node the
    path of the /memory node it goes in (None: there is none); skiff (base, end) or None; why
    the RAM is where it is."""

    def __init__(self):
        self.ram = []
        self.memory = None
        self.memory_node = None
        self.skiff = None
        self.why = ""
        self.cells = (2, 1)


def plan_layout(root, rsv, fam=""):
    """The RAM of a tree of family fam, and skiff's 2 MiB in it.

    A /memory with a non-zero size is the RAM. One whose reg gives a base but size 0 (a boot
    loader fills it in: most Qualcomm trees) keeps its base. With no /memory or reg = <0 0>
    (most Rockchip, Allwinner and i.MX 8M trees, the Raspberry Pis) the base is the family's
    DRAM_BASE, or for a family not in it the lowest 1 GiB boundary with 256 MiB clear of MMIO
    (mmio_windows). Not the lowest free address for all: a tree does not describe everything
    at the bottom of the map (boot ROM, SRAM), and that rule gives the i.MX 8QXP 0x0 and the
    RK3568 0x40000000, where their DRAM is at 0x80000000 and 0x0. A device in the first 2 MiB
    moves the base past it. The size is 1 GiB, stretched to take in the static reserved regions
    above the base and cut short at the next device (not counting those inside a reserved
    region, which are in RAM).

    skiff goes at the first 2 MiB boundary at least 2 MiB into the lowest bank that clears the
    reserved regions and MMIO, as the QEMU default leaves the first 2 MiB to the DTB."""
    lay = Layout()
    ac, sc = root.cell("#address-cells", 2), root.cell("#size-cells", 1)
    lay.cells = (ac, sc)
    mmio = mmio_windows(root)
    reserved = reserved_regions(root, rsv)
    banks, nodes = [], []
    for c in root.children:
        if is_memory(c):
            nodes.append(c)
            banks.extend(regs(c, ac, sc))
    lay.memory_node = nodes[0].path() if nodes else None
    if any(s for _, s in banks):
        lay.ram = sorted(b for b in banks if b[1])
        lay.why = "its /memory"
    else:
        limit = min(1 << (32 * min(ac, 2)), 1 << 40)
        base = min([b for b, _ in banks if b] or [None])
        if base is not None:
            lay.why = "the base in its /memory (size 0)"
        elif dram_base(fam) is not None:
            base = dram_base(fam)
            lay.why = "the family's DRAM base"
        else:
            base = lowest_free(mmio, limit)
            lay.why = "the lowest 1 GiB boundary with 256 MiB clear of MMIO"
        # a device whose reg is in a reserved region is in RAM (a remote processor's memory)
        devs = [w for w in mmio if not any(b <= w[0] and w[0] + w[1] <= b + s
                                           for b, s in reserved)]
        # a device in the first 2 MiB moves the base up (RK356x's SCMI SRAM at 0x10f000: its
        # boot loader's /memory starts at 0x200000)
        while overlaps(base, SKIFF_SIZE, devs):
            base = max(b + s for b, s in devs if overlaps(base, SKIFF_SIZE, [(b, s)]))
            base = (base + SKIFF_SIZE - 1) & ~(SKIFF_SIZE - 1)
        end = max([base + RAM_SIZE] + [b + s for b, s in reserved if b >= base])
        end = min([end, limit] + [b for b, _ in devs if base < b < end])
        end &= ~(SKIFF_SIZE - 1)
        lay.memory = (base, max(end - base, SKIFF_SIZE))
        lay.ram = [lay.memory]
    avoid = reserved + mmio
    for b, s in lay.ram:
        start = (b + 2 * SKIFF_SIZE - 1) & ~(SKIFF_SIZE - 1)
        while start + SKIFF_SIZE <= b + s and lay.skiff is None:
            if not overlaps(start, SKIFF_SIZE, avoid):
                lay.skiff = (start, start + SKIFF_SIZE)
            start += SKIFF_SIZE
        if lay.skiff:
            break
    return lay


# ---- corrupted copies

CELL_PROPS = ("reg", "ranges", "interrupts", "interrupts-extended", "interrupt-parent",
              "#address-cells", "#size-cells", "#interrupt-cells", "phandle", "interrupt-map",
              "dma-ranges", "clocks")


def mut_flip(rng, b, info):
    h = info["header"]
    lo, hi = h["off_dt_struct"], min(len(b), h["off_dt_struct"] + h["size_dt_struct"])
    offs = sorted(rng.randrange(lo, hi) for _ in range(rng.randint(1, 8)))
    for o in offs:
        b[o] ^= rng.randint(1, 255)
    return "flipped bytes at %s" % ",".join("0x%x" % o for o in offs)


def mut_truncate(rng, b, info):
    del info
    cut = rng.randrange(0, 40) if rng.random() < 0.25 else rng.randrange(40, len(b))
    del b[cut:]
    return "truncated to %d bytes" % cut


def mut_cells(rng, b, info):
    props = [p for p in info["props"] if p[1] >= 4 and p[1] % 4 == 0]
    if not props:
        return mut_flip(rng, b, info)
    pref = [p for p in props if p[2] in CELL_PROPS]
    done = []
    for _ in range(rng.randint(1, 4)):
        off, ln, name = rng.choice(pref if pref and rng.random() < 0.7 else props)
        at = off + 8 + 4 * rng.randrange(ln // 4)
        val = rng.choice((0, 0xffffffff))
        struct.pack_into(">I", b, at, val)
        done.append("%s@0x%x=0x%x" % (name, at, val))
    return "cells " + ",".join(done)


def mut_proplen(rng, b, info):
    props = info["props"]
    pairs = [(x, y) for x, y in zip(props, props[1:]) if x[1] != y[1]]
    if len(props) < 2 or not pairs:
        return mut_flip(rng, b, info)
    if rng.random() < 0.5:  # two properties anywhere
        x, y = rng.sample(props, 2)
        if x[1] == y[1]:
            x, y = rng.choice(pairs)
    else:  # neighbours
        x, y = rng.choice(pairs)
    struct.pack_into(">I", b, x[0], y[1])
    struct.pack_into(">I", b, y[0], x[1])
    return "swapped the lengths of %s@0x%x (%d) and %s@0x%x (%d)" % (x[2], x[0], x[1], y[2],
                                                                     y[0], y[1])


def mut_header(rng, b, info):
    field = rng.choice(HEADER_FIELDS[1:])
    i = HEADER_FIELDS.index(field)
    old = info["header"][field]
    val = rng.choice((0, 0xffffffff, len(b), len(b) + rng.randint(1, 4096),
                      (old + 4 * rng.randint(-16, 16)) & 0xffffffff, rng.getrandbits(32)))
    struct.pack_into(">I", b, 4 * i, val)
    return "header %s 0x%x -> 0x%x" % (field, old, val)


def mut_token(rng, b, info):
    h = info["header"]
    if rng.random() < 0.5 and info["props"]:
        off, _, name = rng.choice(info["props"])
        val = rng.choice((h["size_dt_strings"], h["size_dt_strings"] + rng.randint(1, 64),
                          0xffffffff, rng.randrange(h["size_dt_strings"] or 1)))
        struct.pack_into(">I", b, off + 4, val)
        return "name offset of %s@0x%x -> 0x%x" % (name, off, val)
    off = rng.choice(info["tokens"])
    old, = struct.unpack_from(">I", b, off)
    val = rng.choice([t for t in (FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END, 0,
                                  0xffffffff) if t != old])
    struct.pack_into(">I", b, off, val)
    return "token at 0x%x 0x%x -> 0x%x" % (off, old, val)


MUTATORS = (("flip", mut_flip), ("truncate", mut_truncate), ("cells", mut_cells),
            ("proplen", mut_proplen), ("header", mut_header), ("token", mut_token))


def mutant(blob, info, seed, rel, i):
    """The i-th corrupted copy of tree rel: (bytes, kind, what was done). The kinds go round
    from a start fixed by the tree's name, so any 6 copies have one of each."""
    start = int(hashlib.sha1(rel.encode()).hexdigest(), 16) % len(MUTATORS)
    kind, fn = MUTATORS[(start + i) % len(MUTATORS)]
    rng = random.Random("%s:%s:%d" % (seed, rel, i))
    b = bytearray(blob)
    what = fn(rng, b, info)
    return bytes(b), kind, what


# ---- running skiff-check and reading its verdict

class Verdict:
    """kind: console, silent, accepted (console unreported: skiff-check before --memory),
    refused or failure; detail: the console line, the refusal's reason, or what failed."""

    def __init__(self, kind, detail, run=None):
        self.kind = kind
        self.detail = detail
        self.run = run

    def ok(self):
        return self.kind != "failure"

    def __str__(self):
        if self.kind in ("console", "silent"):
            return "accepted, %s" % self.detail
        if self.kind == "accepted":
            return "accepted (console unreported)"
        return "%s: %s" % (self.kind, self.detail)


class Run:
    def __init__(self, cmd, rc, out, err, elapsed, timed_out):
        self.cmd, self.rc, self.out, self.err = cmd, rc, out, err
        self.elapsed, self.timed_out = elapsed, timed_out


def run_checker(cmd, timeout, leaks=True):
    env = dict(os.environ, **(SAN_ENV if leaks else SAN_ENV_NO_LEAKS))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=env)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
    return Run(cmd, proc.returncode, out.decode("utf-8", "replace"),
               err.decode("utf-8", "replace"), time.monotonic() - start, timed_out)


HEX_RE = re.compile(r"0x[0-9a-fA-F]+")
PATH_RE = re.compile(r"(?<![\w.])/[\w,.+@/-]*")
UNIT_RE = re.compile(r"@[0-9a-fA-F,]+\b")
DEC_RE = re.compile(r"(?<![\w,.-])\d+(?![\w.-])")


def normalise(reason):
    """A refusal's reason without what differs from board to board: a node path becomes its
    last name without unit address, numbers become 0x… and N."""
    def last(m):
        p = m.group(0).rstrip("/")
        return p.rsplit("/", 1)[-1] or "/"
    r = PATH_RE.sub(last, reason)
    r = UNIT_RE.sub("", r)
    r = HEX_RE.sub("0x…", r)
    return DEC_RE.sub("N", r).strip()


def verdict(run, contract, paths):
    """The Verdict of a Run; paths are the files named on its command line (stripped from the
    front of the refusal's message)."""
    if run.timed_out:
        return Verdict("failure", "hung: no exit in %.0f s (killed)" % run.elapsed, run)
    m = SAN_RE.search(run.err)
    if m:
        line = next((s for s in run.err.splitlines() if SAN_RE.search(s)), m.group(0))
        return Verdict("failure", "sanitizer: %s" % line.strip(), run)
    if run.rc < 0:
        try:
            name = signal.Signals(-run.rc).name
        except ValueError:
            name = str(-run.rc)
        return Verdict("failure", "killed by signal %s" % name, run)
    if run.rc not in (0, 1):
        first = (run.err.strip().splitlines() or [""])[0]
        return Verdict("failure", "exit status %d%s" % (run.rc, ": " + first if first else ""),
                       run)
    if run.rc == 0:
        lines = [s for s in run.out.splitlines() if s.startswith("console:")]
        if not contract and not lines:
            return Verdict("accepted", "", run)
        if len(lines) != 1:
            return Verdict("failure", "exit 0 with %d console: lines (the contract: one)" %
                           len(lines), run)
        if CONSOLE_RE.match(lines[0]):
            return Verdict("console", lines[0], run)
        m = SILENT_RE.match(lines[0])
        if m:
            return Verdict("silent", lines[0], run)
        return Verdict("failure", "exit 0, console line not in the contract: %s" % lines[0], run)
    msgs = [s for s in run.err.splitlines() if s.startswith(PROG + ": ")]
    if not msgs:
        return Verdict("failure", "exit 1 without a '%s: HOST.dtb: reason' message" % PROG, run)
    reason = msgs[-1][len(PROG) + 2:]
    for p in sorted(paths, key=len, reverse=True):
        if reason.startswith(p + ": "):
            reason = reason[len(p) + 2:]
            break
    return Verdict("refused", reason, run)


NEUTRAL_CONFIG = """/dts-v1/;
/* made by tools/boards.py for a skiff-check that needs CONFIG.dtb: one guest, every CPU, all RAM
 * but skiff's, kernel and initrd from fw_cfg, no device */
/ {
	compatible = "skiff,config-1";
	#address-cells = <2>;
	#size-cells = <2>;

	guest@0 {
		kernel = "fw_cfg";
		initrd = "fw_cfg";
	};
};
"""


class Checker:
    """How to run skiff-check: contract (it takes --memory and the host tree alone) or, before
    that, with a board-neutral CONFIG.dtb and the RAM written into a copy of the tree."""

    def __init__(self, path, workdir, timeout):
        self.path = path
        self.timeout = timeout
        if not os.access(path, os.X_OK):
            raise SystemExit("boards: %s: not built (make %s)" % (path, os.path.relpath(path,
                                                                                      ROOT)))
        r = subprocess.run([path, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           check=False, env=dict(os.environ, **SAN_ENV))
        self.contract = "--memory" in r.stdout.decode("utf-8", "replace")
        self.config = None
        if not self.contract:
            src = os.path.join(workdir, "neutral-config.dts")
            self.config = src[:-len(".dts")] + ".dtb"
            with open(src, "w", encoding="utf-8") as f:
                f.write(NEUTRAL_CONFIG)
            subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", self.config, src],
                           check=True)

    def mode(self):
        if self.contract:
            return "%s [--skiff B:E] [--memory B:S] HOST.dtb" % os.path.basename(self.path)
        return ("%s --skiff B:E CONFIG.dtb HOST.dtb (no --memory yet: CONFIG is %s, /memory "
                "written into a copy of the tree)" % (os.path.basename(self.path),
                                                      os.path.relpath(self.config, ROOT)))

    def command(self, tree, lay):
        cmd = [self.path]
        if lay and lay.skiff:
            cmd += ["--skiff", "0x%x:0x%x" % lay.skiff]
        if self.contract:
            if lay and lay.memory:
                cmd += ["--memory", "0x%x:0x%x" % lay.memory]
            return cmd + [tree]
        return cmd + [self.config, tree]

    def host_tree(self, tree, lay, workdir):
        """The tree to run: tree itself, or (before --memory) a copy with the RAM in it."""
        if self.contract or not lay or not lay.memory:
            return tree
        out = os.path.join(workdir, "memory.dtb")
        shutil.copyfile(tree, out)
        ac, sc = lay.cells
        base, size = lay.memory
        cells = ["0x%x" % ((base >> (32 * i)) & 0xffffffff) for i in reversed(range(ac))]
        cells += ["0x%x" % ((size >> (32 * i)) & 0xffffffff) for i in reversed(range(sc))]
        node = lay.memory_node
        if not node:
            node = "/memory@%x" % base
            subprocess.run(["fdtput", "-c", out, node], check=True)
            subprocess.run(["fdtput", "-t", "s", out, node, "device_type", "memory"],
                           check=True)
        subprocess.run(["fdtput", "-t", "x", out, node, "reg"] + cells, check=True)
        return out


class TreeResult:
    def __init__(self, rel):
        self.rel = rel
        self.family = family(rel)
        self.layout = None
        self.orig = None
        self.mutants = []  # (kind, what, Verdict)
        self.failures = []  # (variant, Verdict, kept file)


class Context:
    def __init__(self, checker, dtbs, workdir, mutants, seed, log=say):
        self.checker = checker
        self.dtbs = dtbs
        self.workdir = workdir
        self.nmutants = mutants
        self.seed = seed
        self.log = log
        self.faildir = os.path.join(workdir, "failures")
        self.lock = threading.Lock()
        self.runs = 0


def keep_failure(ctx, res, variant, v, blob):
    """Saves the failing input and its command under failures/; returns the .dtb kept."""
    os.makedirs(ctx.faildir, exist_ok=True)
    stem = os.path.join(ctx.faildir, "%s.%s" % (res.rel.replace("/", "_")[:-len(".dtb")],
                                                variant))
    with open(stem + ".dtb", "wb") as f:
        f.write(blob)
    cmd = [stem + ".dtb" if a == v.run.cmd[-1] else a for a in v.run.cmd]
    with open(stem + ".txt", "w", encoding="utf-8") as f:
        f.write("%s\n%s\n# exit %s\n# stderr:\n%s" % (res.rel, " ".join(cmd), v.run.rc,
                                                       v.run.err[-4000:]))
    return stem + ".dtb"


def check_tree(ctx, rel):
    """Runs the tree and its corrupted copies: a TreeResult."""
    res = TreeResult(rel)
    src = os.path.join(ctx.dtbs, rel)
    work = tempfile.mkdtemp(prefix="run.", dir=ctx.workdir)
    try:
        with open(src, "rb") as f:
            blob = f.read()
        try:
            root, rsv = parse_fdt(blob)
            res.layout = plan_layout(root, rsv, res.family)
        except FdtError:
            res.layout = None  # skiff-check will say what is wrong with it
        host = ctx.checker.host_tree(src, res.layout, work)
        cmd = ctx.checker.command(host, res.layout)
        res.orig = verdict(run_checker(cmd, ctx.checker.timeout), ctx.checker.contract,
                           [host, src, ctx.checker.config or ""])
        if host != src:
            with open(host, "rb") as f:
                blob = f.read()
        if not res.orig.ok():
            res.failures.append(("tree", res.orig, keep_failure(ctx, res, "tree", res.orig,
                                                                blob)))
        try:
            info = scan(blob)
        except (FdtError, ValueError, struct.error):
            info = None
        for i in range(ctx.nmutants if info else 0):
            data, kind, what = mutant(blob, info, ctx.seed, rel, i)
            path = os.path.join(work, "mutant%d.dtb" % i)
            with open(path, "wb") as f:
                f.write(data)
            cmd = ctx.checker.command(path, res.layout)
            run = run_checker(cmd, ctx.checker.timeout, leaks=False)
            v = verdict(run, ctx.checker.contract, [path, ctx.checker.config or ""])
            res.mutants.append((kind, what, v))
            if not v.ok():
                variant = "copy%d-%s" % (i, kind)
                res.failures.append((variant + " (%s)" % what, v,
                                     keep_failure(ctx, res, variant, v, data)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with ctx.lock:
        ctx.runs += 1 + len(res.mutants)
    for variant, v, kept in res.failures:
        ctx.log("FAIL %s [%s]: %s (kept: %s)" % (rel, variant, v.detail,
                                                 os.path.relpath(kept, ROOT)))
    return res


def check_trees(ctx, trees, jobs, progress=0):
    """check_tree over trees, jobs at a time (at most MAX_JOBS); results in trees' order."""
    jobs = max(1, min(jobs, MAX_JOBS))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(check_tree, ctx, t): t for t in trees}
        for n, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            results[futs[fut]] = fut.result()
            if progress and n % progress == 0 and n < len(trees):
                ctx.log("%d/%d trees, %d runs" % (n, len(trees), ctx.runs))
    return [results[t] for t in trees]


# ---- the report

def md(text):
    return text.replace("|", "\\|")


def reason_counts(results):
    c = collections.Counter()
    for r in results:
        if r.orig.kind == "refused":
            c[normalise(r.orig.detail)] += 1
    return c


def report(results, ctx, package, seconds):
    """The report as markdown lines."""
    fams = collections.OrderedDict()
    for r in sorted(results, key=lambda r: r.family):
        fams.setdefault(r.family, []).append(r)
    unreported = any(r.orig.kind == "accepted" for r in results)
    cols = ["Family", "Trees", "Console", "Silent"] + (["Accepted, console unreported"]
                                                       if unreported else [])
    cols += ["Refused", "Failed", "Most common refusals"]
    lines = ["| " + " | ".join(cols) + " |",
             "|" + "|".join(["---"] + ["--:"] * (len(cols) - 2) + ["---"]) + "|"]

    def row(name, rs, top):
        k = collections.Counter(r.orig.kind for r in rs)
        cells = [name, str(len(rs)), str(k["console"]), str(k["silent"])]
        if unreported:
            cells.append(str(k["accepted"]))
        cells += [str(k["refused"]), str(sum(1 for r in rs if r.failures))]
        reasons = reason_counts(rs).most_common(top)
        cells.append("; ".join("%s (%d)" % (md(t), n) for t, n in reasons))
        return "| " + " | ".join(cells) + " |"

    for name, rs in fams.items():
        lines.append(row(name, rs, 2))
    lines.append(row("**all %d families**" % len(fams), results, 0).replace("|  |", "| |"))
    nmut = sum(len(r.mutants) for r in results)
    mk = collections.Counter(v.kind for r in results for _, _, v in r.mutants)
    fails = [(r, f) for r in results for f in r.failures]
    memory = collections.Counter(r.layout.why for r in results if r.layout and r.layout.memory)
    head = ["Trees: the %d device trees of Debian's `%s`, run through `%s`." %
            (len(results), package, ctx.checker.mode()),
            "RAM for trees without it (`--memory`): %s." % (
                "; ".join("%s for %d" % (w, n) for w, n in memory.most_common()) or "none"),
            "Corrupted copies: %d (%d a tree, seed %s): %d refused, %d accepted, %d failed." %
            (nmut, ctx.nmutants, ctx.seed, mk["refused"],
             mk["console"] + mk["silent"] + mk["accepted"], mk["failure"]),
            "Failures (crash, hang, sanitizer report, exit status not 0 or 1, output off the "
            "contract): %d. Run time %.0f s." % (len(fails), seconds), ""]
    tail = ["", "Refusals over all trees:", ""]
    tail += ["- %s: %d" % (t, n) for t, n in reason_counts(results).most_common(15)]
    if fails:
        tail += ["", "Failures:", ""]
        tail += ["- `%s` [%s]: %s" % (r.rel, f[0], md(f[1].detail)) for r, f in fails]
    return head + lines + tail


def write_results(results, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("tree\tfamily\tvariant\tverdict\tdetail\tcommand\n")
        for r in results:
            rows = [("tree", r.orig)] + [("%s: %s" % (k, w), v) for k, w, v in r.mutants]
            for variant, v in rows:
                f.write("\t".join((r.rel, r.family, variant, v.kind,
                                   v.detail.replace("\t", " "),
                                   " ".join(v.run.cmd) if v.run else "")) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--check", help="skiff-check to run (default BUILD/skiff-check-san)")
    ap.add_argument("--mutants", type=int, default=DEFAULT_MUTANTS,
                    help="corrupted copies of each tree (default %d)" % DEFAULT_MUTANTS)
    ap.add_argument("--seed", default=DEFAULT_SEED,
                    help="seed of the corruptions (default %s; 'random' picks one)" %
                    DEFAULT_SEED)
    ap.add_argument("--jobs", type=int, default=MAX_JOBS, help="runs at a time (at most 2)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="seconds a run may take (default %d)" % DEFAULT_TIMEOUT)
    ap.add_argument("--only", metavar="SUBSTRING", help="only the trees whose path has it")
    ap.add_argument("--sample", type=int, metavar="N", help="about N trees across families")
    a = ap.parse_args()

    build = a.build if os.path.isabs(a.build) else os.path.join(ROOT, a.build)
    work = os.path.join(build, "boards")
    os.makedirs(work, exist_ok=True)
    seed = str(random.SystemRandom().getrandbits(32)) if a.seed == "random" else a.seed
    deb = kernel_deb(fetch=True)
    dtbs = unpack_dtbs(deb, os.path.join(work, "dtbs"))
    trees = list_trees(dtbs)
    if a.only:
        trees = [t for t in trees if a.only in t]
    if a.sample:
        trees = sample(trees, a.sample)
    if not trees:
        raise SystemExit("boards: no tree to run")
    checker = Checker(a.check or os.path.join(build, "skiff-check-san"), work, a.timeout)
    ctx = Context(checker, dtbs, work, max(0, a.mutants), seed)
    shutil.rmtree(ctx.faildir, ignore_errors=True)
    say("%d trees of %s, %d corrupted copies each (seed %s), %d at a time, %g s each at most" %
        (len(trees), package_name(deb), ctx.nmutants, seed, min(max(1, a.jobs), MAX_JOBS),
         a.timeout))
    say("running %s" % checker.mode())
    start = time.monotonic()
    results = check_trees(ctx, trees, a.jobs, progress=50)
    seconds = time.monotonic() - start
    text = "\n".join(report(results, ctx, package_name(deb), seconds)) + "\n"
    with open(os.path.join(work, "report.md"), "w", encoding="utf-8") as f:
        f.write(text)
    write_results(results, os.path.join(work, "results.tsv"))
    sys.stdout.write("\n" + text + "\n")
    nfail = sum(len(r.failures) for r in results)
    say("%d runs in %.0f s; report: %s, every verdict: %s" % (
        ctx.runs, seconds, os.path.relpath(os.path.join(work, "report.md"), ROOT),
        os.path.relpath(os.path.join(work, "results.tsv"), ROOT)))
    if nfail:
        say("FAILED: %d run%s crashed, hung, reported a sanitizer error or broke the output "
            "contract (inputs in %s)" % (nfail, "s" if nfail != 1 else "",
                                         os.path.relpath(ctx.faildir, ROOT)))
        return 1
    say("no crash, hang or sanitizer report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
