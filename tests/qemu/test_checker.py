#!/usr/bin/env python3
"""build/skiff-check, the host config checker (TAP): good and bad configurations against the
device tree of the QEMU machine the other suites boot (dumped here with dumpdtb), checking
its exit status and its output or message. Needs build/skiff-check, build/dts/qemu-virt.dtb
(make all) and dtc; boots nothing. Writes only to a temporary directory."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, MACHINE, QEMU, ROOT, Tap  # noqa: E402

SUITE_TIMEOUT = 120
RUN_TIMEOUT = 30

CHECKER = os.path.join(BUILD, "skiff-check")
DEFAULT_CONFIG = os.path.join(BUILD, "dts", "qemu-virt.dtb")

HEADER = """/dts-v1/;
/ {
	compatible = "skiff,config-1";
	#address-cells = <2>;
	#size-cells = <2>;
"""

# name: (config body inside the root node, expected exit status, text expected in the output)
CONFIGS = {
    "two-guests": ("""
	guest@0 {
		cpus = <0x0>;
		memory = <0x0 0x60000000 0x0 0x10000000>;
		kernel = "fw_cfg";
		uart { device = "/pl011@9000000"; interrupt-modes = "eoi"; };
	};
	guest@1 {
		cpus = <0x1>;
		kernel = "fw_cfg";
		rtc { device = "/pl031@9010000"; interrupt-modes = "oneshot"; };
	};
""", 0, ["guest@0/uart: /pl011@9000000: mmio 0x9000000+0x1000 intid 33 level eoi",
         "guest@1/rtc: /pl031@9010000: mmio 0x9010000+0x1000 intid 34 level oneshot",
         "guest@0: memory 0x60000000+0x10000000\n",
         "guest@1: cpus 0x1\n",
         "ok for"]),
    "same-device": ("""
	guest@0 {
		cpus = <0x0>;
		memory = <0x0 0x60000000 0x0 0x10000000>;
		kernel = "fw_cfg";
		uart { device = "/pl011@9000000"; };
	};
	guest@1 {
		cpus = <0x1>;
		kernel = "fw_cfg";
		uart { device = "/pl011@9000000"; };
	};
""", 1, ["guest@1/uart: /pl011@9000000: MMIO 0x9000000+0x1000 already assigned to guest@0 "
         "(/pl011@9000000)"]),
    "shared-page": ("""
	guest@0 {
		cpus = <0x0>;
		memory = <0x0 0x60000000 0x0 0x10000000>;
		kernel = "fw_cfg";
		v0 { device = "/virtio_mmio@a000000"; };
	};
	guest@1 {
		cpus = <0x1>;
		kernel = "fw_cfg";
		v1 { device = "/virtio_mmio@a000200"; };
	};
""", 1, ["guest@1/v1: /virtio_mmio@a000200: MMIO 0xa000200+0x200 is not page-aligned and "
         "shares page 0xa000000 with guest@0 (/virtio_mmio@a000000)"]),
    "sub-page-alone": ("""
	guest@0 {
		kernel = "fw_cfg";
		disk { device = "/virtio_mmio@a003e00"; };
	};
""", 1, ["guest@0/disk: /virtio_mmio@a003e00: MMIO 0xa003e00+0x200 does not fill its page "
         "0xa003000: the guest would reach 0xa003000+0xe00, which is not its own, as well"]),
    "whole-pages-dma-vconsole": ("""
	skiff {
		device-window = <0x0 0x0b000000 0x0 0x01000000>;
	};
	guest@0 {
		cpus = <0x0>;
		memory = <0x0 0x60000000 0x0 0x10000000>;
		kernel = <0x0 0x68000000 0x0 0x00100000>;
		virtual-console;
		disk { device = "/virtio_mmio@a003e00"; whole-pages; };
		rtc { device = "/pl031@9010000"; };
	};
""", 0, ["guest@0: also gets MMIO 0xa003000+0xe00 (the rest of a page of its devices "
         "(whole-pages))",
         "guest@0: keeps 0x68000000+0x100000 out of its RAM: the kernel the boot loader put "
         "there, loaded afresh at every restart",
         "guest@0: memory 0x60000000+0x8000000 0x68100000+0x7f00000\n",
         "guest@0: virtual console 0xb000000\n",
         "guest@0/disk: /virtio_mmio@a003e00: masters DMA, with no IOMMU skiff programs: it "
         "can read and write any memory, skiff's and other guests' included",
         "ok for"]),
    "test-switches": ("""
	skiff {
		pmu-el2-counting;
	};
	guest@0 {
		kernel = "fw_cfg";
	};
""", 0, ["pmu-el2-counting on", "skiff: warning: test-only switches are on: not for a product",
         "ok for"]),
    "no-node": ("""
	guest@0 {
		kernel = "fw_cfg";
		x { device = "/nope@0"; };
	};
""", 1, ["guest@0/x: /nope@0: no such node in the host device tree"]),
    "ppi": ("""
	guest@0 {
		kernel = "fw_cfg";
		pmu { device = "/pmu"; };
	};
""", 1, ["guest@0/pmu: /pmu: interrupt 0 is a PPI, not an SPI"]),
    "gic": ("""
	guest@0 {
		kernel = "fw_cfg";
		gic { device = "/intc@8000000"; };
	};
""", 1, ["guest@0/gic: /intc@8000000: MMIO 0x8000000+0x10000 already assigned to skiff "
         "(the GIC)"]),
    "bad-mode": ("""
	guest@0 {
		kernel = "fw_cfg";
		uart { device = "/pl011@9000000"; interrupt-modes = "fast"; };
	};
""", 1, ["guest@0/uart: interrupt-modes: \"fast\" is not hw, eoi or oneshot"]),
    "cpu-missing": ("""
	guest@0 {
		cpus = <0x0 0x7>;
		kernel = "fw_cfg";
	};
""", 1, ["guest@0: cpus: no CPU 0x7 on this host"]),
    "mem-outside": ("""
	guest@0 {
		memory = <0x1 0x0 0x0 0x1000>;
		kernel = "fw_cfg";
	};
""", 1, ["guest@0: memory: 0x100000000+0x1000 is not inside RAM"]),
    "no-window": ("""
	guest@0 {
		kernel = "fw_cfg";
		doorbell;
	};
""", 1, ["guest@0: doorbell: no device-window in /skiff to place it in"]),
}


def run(args):
    p = subprocess.run([CHECKER] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, text=True, timeout=RUN_TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def check(tap, name, args, status, expect, absent=()):
    if not tap.want(name):
        return
    try:
        rc, out, err = run(args)
    except (OSError, subprocess.TimeoutExpired) as e:
        tap.ok(False, name, ["%s: %s" % (CHECKER, e)])
        return
    text = out + err
    fails = []
    if rc != status:
        fails.append("exit status %d, expected %d" % (rc, status))
    fails += ["missing: %r" % e for e in expect if e not in text]
    fails += ["unexpected: %r" % a for a in absent if a in text]
    if fails:
        fails.append("cmd: %s" % " ".join([os.path.relpath(CHECKER)] + args))
        fails += ["  " + line for line in text.splitlines()[-15:]]
    tap.ok(not fails, name, fails)


def dump_dtb(path, machine):
    """QEMU's own device tree for machine (harness MACHINE with -M replaced), two CPUs."""
    args = list(MACHINE)
    args[args.index("-M") + 1] = machine + ",dumpdtb=" + path
    p = subprocess.run([QEMU] + args + ["-smp", "2", "-nographic"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                       timeout=RUN_TIMEOUT)
    if p.returncode or not os.path.exists(path):
        raise RuntimeError("dumpdtb failed: %s" % p.stdout.strip())


def main():
    tap = Tap()
    # a missing input is a failure, as in the other suites: nothing was checked
    missing = ["%s not found: run make" % os.path.relpath(f, ROOT)
               for f in (CHECKER, DEFAULT_CONFIG) if not os.path.exists(f)]
    if not shutil.which("dtc"):
        missing.append("dtc not found: run make setup (device-tree-compiler)")
    if missing:
        tap.plan(1)
        tap.ok(False, "skiff-check: inputs present", missing)
        return tap.done()

    tmp = tempfile.mkdtemp(prefix="skiff-checker-")
    try:
        host = os.path.join(tmp, "host.dtb")
        host_v2 = os.path.join(tmp, "host-gicv2.dtb")
        machine = MACHINE[MACHINE.index("-M") + 1]
        dump_dtb(host, machine)
        dump_dtb(host_v2, machine.replace("gic-version=3", "gic-version=2"))

        check(tap, "default config", [DEFAULT_CONFIG, host], 0,
              ["skiff: keeps MMIO 0x8000000+0x10000 (the GIC)",
               "skiff: keeps MMIO 0x9020000+0x18 (fw_cfg)",
               # stage2-4k-pages: 610 tables (2440 KiB) after skiff's image, part of its memory
               "skiff: memory 0x40200000-0x40662000",
               "skiff: stage2-4k-pages: 610 stage-2 tables at 0x40400000 (2440 KiB), in it",
               "guest@0: memory 0x40000000+0x200000 0x40662000+0x3f99e000",
               "guest@0/uart: /pl011@9000000: mmio 0x9000000+0x1000 intid 33 level hw",
               "guest@0/rtc: /pl031@9010000: mmio 0x9010000+0x1000 intid 34 level hw",
               "guest@0/gpio: /pl061@9030000: mmio 0x9030000+0x1000 intid 39 level hw",
               "guest@0/virtio0: /virtio_mmio@a000000: mmio 0xa000000+0x200 intid 48 edge hw",
               "guest@0/virtio31: /virtio_mmio@a003e00: mmio 0xa003e00+0x200 intid 79 edge hw",
               "guest@0: map 0x9000000+0x1000 0x9010000+0x1000 0x9030000+0x1000 "
               "0xa000000+0x4000\n",
               "guest@0: doorbell 0xb000000 intid 132",
               "guest@0: gets the console UART",
               "ok for"])
        check(tap, "default config, skiff elsewhere",
              ["--skiff", "0x7fe00000:0x80000000", DEFAULT_CONFIG, host], 0,
              # no room after it at the top of RAM: stage2-4k-pages's tables go before it
              ["skiff: keeps MMIO 0x7fb9e000+0x462000 (skiff's memory)",
               "skiff: stage2-4k-pages: 610 stage-2 tables at 0x7fb9e000",
               "guest@0: memory 0x40000000+0x3fb9e000 (all"])

        for name, (body, status, expect) in sorted(CONFIGS.items()):
            if not tap.want(name):
                continue
            src = os.path.join(tmp, name + ".dts")
            dtb = os.path.join(tmp, name + ".dtb")
            with open(src, "w") as f:
                f.write(HEADER + body + "};\n")
            subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, src], check=True,
                           timeout=RUN_TIMEOUT)
            check(tap, name, [dtb, host], status, expect,
                  absent=() if status == 0 else ["ok for"])

        check(tap, "host with a GICv2: its guests get a GICv2", [DEFAULT_CONFIG, host_v2], 0,
              ["guest@0: GICv2: memory-mapped distributor and CPU interface, no "
               "system-register interface", "ok for"])
        v3 = os.path.join(tmp, "gic-v3.dts")
        with open(v3, "w") as f:
            f.write('/dts-v1/;\n/ { compatible = "skiff,config-1"; #address-cells = <2>; '
                    '#size-cells = <2>;\n  guest@0 { kernel = "fw_cfg"; gic-version = <3>; '
                    '}; };\n')
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", v3 + ".dtb", v3],
                       check=True, timeout=60)
        check(tap, "a GICv3 asked of a GICv2 host is refused", [v3 + ".dtb", host_v2], 1,
              ["guest@0: gic-version: 3, but the host's GIC is a GICv2: its guests get a "
               "GICv2, which has no system-register interface"], ["ok for"])
        # a guest tree skiff would refuse to build at boot (unit fixtures: make unit)
        fixtures = os.path.join(BUILD, "tests", "config")
        check(tap, "guest device tree refused",
              [os.path.join(fixtures, "minimal.dtb"),
               os.path.join(fixtures, "host-gic-generated-name.dtb")], 1,
              ["minimal.dtb: guest@0: guest device tree: the GIC: /reserved-memory@8000000 is "
               "named like a node skiff writes"], ["ok for"])
        check(tap, "config and host swapped", [host, DEFAULT_CONFIG], 1,
              ["host.dtb: /: compatible: \"linux,dummy-virt\" is not \"skiff,config-1\""])
        check(tap, "missing file", [os.path.join(tmp, "nope.dtb"), host], 1,
              ["nope.dtb: No such file or directory"])
        check(tap, "bad --skiff", ["--skiff", "0x40200000", DEFAULT_CONFIG, host], 2,
              ["--skiff 0x40200000: not BASE:END"])
        check(tap, "no file", [], 2, ["usage: skiff-check"])
        check(tap, "host tree alone: the built-in default", [host], 0,
              ["console: pl011 at 0x9000000 (/pl011@9000000)\n",
               "guest@0: cpus 0x0 0x1 (all)",
               "guest@0: memory 0x40000000+0x200000 0x40400000+0x3fc00000 (all but skiff's",
               "guest@0/console: stdout-path: mmio 0x9000000+0x1000 intid 33 level hw",
               "guest@0: gets the console UART",
               "skiff-check: built-in default: ok for"])
        check(tap, "a configuration alone is not a host tree", [DEFAULT_CONFIG], 1,
              ["no memory node"])
        check(tap, "--memory replaces the tree's RAM", ["--memory", "0x40000000:0x20000000",
                                                       host], 0,
              ["guest@0: memory 0x40000000+0x200000 0x40400000+0x1fc00000 (all"])
        check(tap, "--help", ["--help"], 0, ["usage: skiff-check", "0x40200000:0x40400000",
                                             "Exit status"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
