"""Several guests on one QEMU virt machine: skiff configurations made for a run (each guest's
CPUs, RAM, devices, bootargs, and its kernel put in its RAM by QEMU's loader device) and the
guests' output told apart on the console. Used by tests/qemu/test_multi.py and
tests/linux/test_linux.py. Python 3 standard library only.

A guest is a dict:
    name      "guest@N" (its node in the configuration; N is its place in the file)
    cpus      host MPIDRs (QEMU virt: 0, 1, 2, ...)
    ram       (base, size), or None for "all RAM but skiff's and the other guests'"
    image     a file QEMU's loader puts at load (inside ram), or "fw_cfg" for -kernel/-initrd
    load      where the loader puts image
    devices   [(node name, host path, extra properties text)]
    bootargs  its /chosen/bootargs, or None (fw_cfg's -append)
    vconsole  True: skiff's virtual console (its output: "[guest@N] ..." lines)
The layout below (QEMU virt, -m 1G: RAM 0x40000000-0x7fffffff, skiff at 0x40200000 when it is
QEMU's firmware) gives each bare-metal guest 64 MiB of its own.
"""

import os
import re
import subprocess

SKIFF_MEM = (0x40200000, 0x200000)
RAM = (0x40000000, 0x40000000)
SLOT_SIZE = 0x4000000  # 64 MiB per bare-metal guest
SLOT_BASE = 0x48000000
LOAD_OFFSET = 0x3000000  # where in its slot its image is loaded (kept out of its RAM)
ITS = (0x08080000, 0x20000)
FW_CFG = (0x09020000, 0x1000)
FLASH = (0x0, 0x8000000)
VIRTIO = 0x0a000000
VIRTIO_SIZE = 0x200
PCIE_MMIO = (0x10000000, 0x2eff0000)


def slot(n):
    """RAM of bare-metal guest slot n, and where its image is loaded in it."""
    base = SLOT_BASE + n * (SLOT_SIZE + 0x4000000)
    return (base, SLOT_SIZE), base + LOAD_OFFSET


def virtio(i):
    return "/virtio_mmio@%x" % (VIRTIO + i * VIRTIO_SIZE)


def cells(v):
    return "0x%x 0x%x" % (v >> 32, v & 0xffffffff)


def config_text(guests, skiff_props=("stats-at-exit;",)):
    """The configuration's device-tree source."""
    out = ["/dts-v1/;", "", "/ {", '\tcompatible = "skiff,config-1";',
           "\t#address-cells = <2>;", "\t#size-cells = <2>;", "", "\tskiff {"]
    out += ["\t\t%s" % p for p in skiff_props]
    out += ["\t\tdevice-window = <0x0 0x0b000000 0x0 0x01000000>;",
            "\t\tspi-window = <100 32>;", "\t};"]
    for g in guests:
        out += ["", "\t%s {" % g["name"]]
        out.append("\t\tcpus = <%s>;" % " ".join("0x%x" % c for c in g["cpus"]))
        if g.get("ram"):
            out.append("\t\tmemory = <%s %s>;" % (cells(g["ram"][0]), cells(g["ram"][1])))
        if g["image"] == "fw_cfg":
            out.append('\t\tkernel = "fw_cfg";')
            out.append('\t\tinitrd = "fw_cfg";')
        else:
            size = os.path.getsize(g["image"])
            out.append("\t\tkernel = <%s %s>;" % (cells(g["load"]), cells(size)))
        if g.get("bootargs") is not None:
            out.append('\t\tbootargs = "%s";' % g["bootargs"])
        if g.get("vconsole"):
            out.append("\t\tvirtual-console;")
        for name, path, extra in g.get("devices", []):
            out.append('\t\t%s { device = "%s";%s };' % (name, path,
                                                         (" " + extra) if extra else ""))
        out.append("\t};")
    out += ["};", ""]
    return "\n".join(out)


def build_config(guests, path_base, skiff_props=("stats-at-exit;",)):
    """Writes PATH_BASE.dts and compiles it to PATH_BASE.dtb; returns (dtb, error or None)."""
    dts, dtb = path_base + ".dts", path_base + ".dtb"
    os.makedirs(os.path.dirname(dts), exist_ok=True)
    with open(dts, "w") as f:
        f.write(config_text(guests, skiff_props))
    p = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if p.returncode:
        return None, "dtc %s: %s" % (dts, p.stdout.strip())
    return dtb, None


def loader_args(guests):
    """QEMU's loader devices that put each bare-metal guest's image in its RAM."""
    args = []
    for g in guests:
        if g["image"] != "fw_cfg":
            args += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (g["image"], g["load"])]
    return args


def deny_list(guest, guests, extra=()):
    """What guest must not reach, for the hostile guest's deny=: skiff's memory, every other
    guest's RAM, RAM nobody has, the ITS, fw_cfg, the flash skiff booted from, MMIO nobody
    has. As NAME:BASE+SIZE,..."""
    ranges = [("skiff", SKIFF_MEM), ("its", ITS), ("fwcfg", FW_CFG), ("flash", FLASH),
              ("pcie", PCIE_MMIO), ("dtb", (RAM[0], SKIFF_MEM[0] - RAM[0]))]
    taken = sorted([g["ram"] for g in guests if g.get("ram")])
    for g in guests:
        if g is not guest and g.get("ram"):
            ranges.append((g["name"].replace("@", ""), g["ram"]))
    cur = RAM[0] + 0x200000 + SKIFF_MEM[1]  # RAM nobody has: above skiff ...
    for base, size in taken + [(RAM[0] + RAM[1], 0)]:
        if base > cur:
            ranges.append(("free", (cur, base - cur)))
        cur = max(cur, base + size)
    ranges += list(extra)
    return ",".join("%s:0x%x+0x%x" % (n, b, s) for n, (b, s) in ranges)


PREFIX_RE = re.compile(r"^\[(guest@\d+)\] (.*)$")


def split_console(console):
    """{guest name: its lines} from "[guest@N] text" (virtual console) lines; the PL011's own
    lines (a guest that owns the UART) under None."""
    out = {None: []}
    for line in console.splitlines():
        m = PREFIX_RE.match(line)
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
        elif not line.startswith("skiff: "):
            out[None].append(line)
    return out


PLAN_RE = re.compile(r"^1\.\.(\d+)\s*$")
RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: - (.*))?$")
SKIP_RE = re.compile(r"#\s*SKIP\b", re.I)


def tap_blocks(lines):
    """The TAP documents in a guest's lines: [(plan, [(status, n, description)])]."""
    blocks = []
    for line in lines:
        m = PLAN_RE.match(line)
        if m:
            blocks.append((int(m.group(1)), []))
            continue
        m = RESULT_RE.match(line)
        if m:
            if not blocks:
                blocks.append((None, []))
            blocks[-1][1].append((m.group(1), int(m.group(2)), m.group(3) or ""))
    return blocks


def guest_failures(lines, guest, blocks=1, allowed_skips=()):
    """What is wrong with a test guest's output under skiff: blocks complete TAP documents,
    every line ok and none skipped (but for a SKIP whose reason starts with one of
    allowed_skips: a check the configuration gives it nothing for), "# guest NAME: under
    skiff", no Bail out, and "# guest NAME done"."""
    f = []
    docs = tap_blocks(lines)
    if len(docs) != blocks:
        f.append("%s: %d TAP documents, expected %d" % (guest, len(docs), blocks))
    for i, (plan, results) in enumerate(docs):
        numbers = [n for _, n, _ in results]
        if plan is None or numbers != list(range(1, plan + 1)):
            f.append("%s: document %d planned %s, printed %s" % (guest, i + 1, plan,
                                                                  numbers[:20]))
        for status, n, desc in results:
            if status != "ok":
                f.append("%s: not ok %d - %s" % (guest, n, desc))
            elif SKIP_RE.search(desc) and not any(
                    re.search(r"#\s*SKIP\s+" + re.escape(a), desc) for a in allowed_skips):
                f.append("%s: skipped under skiff: ok %d - %s" % (guest, n, desc))
    if not any(line.startswith("# guest %s: under skiff" % guest) for line in lines):
        f.append("%s: no '# guest %s: under skiff' line" % (guest, guest))
    if any(line.startswith("Bail out!") for line in lines):
        f.append("%s: %s" % (guest, next(l for l in lines if l.startswith("Bail out!"))))
    if "# guest %s done" % guest not in lines:
        f.append("%s: no '# guest %s done' line" % (guest, guest))
    return f
