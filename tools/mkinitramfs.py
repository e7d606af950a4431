#!/usr/bin/env python3
"""tools/mkinitramfs.py - builds the guest Linux initramfs (newc cpio, gzip) for skiff's
end-to-end test and `make run`, from what tools/fetch-linux.sh put in build/linux/:

    tools/mkinitramfs.py [--linux build/linux] [--out build/linux/initramfs.cpio.gz]
                         [--chan build/linux/skiff-chan]

Contents: the static arm64 busybox as /bin/busybox with a symlink per applet used, the
modules of build/linux/modules/ under /lib/modules/VERSION/ (with a modules.dep for busybox
modprobe and load-order, dependencies first, which /init loads with insmod), /dev/console,
/init and /bin/skiff-test, and with --chan the channel program /bin/skiff-chan
(tests/linux/skiff_chan.c, docs/channel.md).

/init mounts proc, sys and devtmpfs, prints `skiff-guest: init`, loads the modules, then runs
/bin/skiff-test when the command line has skiff.test=1, else a shell on the console (leaving
the shell powers the machine off). skiff-test prints `skiff-guest: ok N - ...` /
`skiff-guest: not ok N - ...` lines (tests/linux/test_linux.py checks them), asks the harness
for a QMP system_powerdown with `skiff-guest: qmp system_powerdown` and for UART_LINE
typed on the console with `skiff-guest: uart: type a line`, ends with
`skiff-guest: 1..N` and `skiff-guest: done ...`, waits for a line on the console (10 s at
most) and powers off with `poweroff -f` (PSCI SYSTEM_OFF). `skiff.skip=uart,rtc,key,blk` (any
of them, comma-separated) leaves out the UART, RTC alarm, power key and virtio-blk checks on a
machine without that device. `skiff.out=kmsg` sends /init's and skiff-test's output to
/dev/kmsg (kernel log lines, so `[   1.234567] skiff-guest: ...` on a boot console) for a
machine whose console UART has no driver; stdin is then /dev/null. The virtio-blk check
writes PATTERN_LINES lines "skiff-%09d\\n" (16 bytes each) at byte PATTERN_OFFSET of
/dev/vda; the harness finds them in the disk image afterwards. `skiff.chan=N` on the command
line runs `skiff-chan N` (N messages over the skiff,channel, to the peer guest) after the
modules, before the test or the shell, and prints `skiff-guest: skiff-chan exit STATUS`;
with `skiff.chan.off` too the guest then powers off.

Python standard library only: the cpio archive is written here (no cpio needed) with fixed
timestamps and owners, so the same inputs give the same bytes.
"""

import argparse
import gzip
import io
import os
import stat
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# virtio-blk pattern (tests/linux/test_linux.py imports these)
PATTERN_OFFSET = 1 << 20  # bytes into /dev/vda
PATTERN_LINES = 65536  # 16 bytes each: 1 MiB
# what the harness types when the guest asks (`skiff-guest: uart: type a line`)
UART_LINE = "skiff-uart-rx-0123456789"


def pattern_bytes():
    return b"".join(b"skiff-%09d\n" % i for i in range(PATTERN_LINES))


# The applets /init, skiff-test and a user at the shell use; any other applet can be had
# with `busybox APPLET` (and the shell mode runs `busybox --install -s`).
APPLETS = """
sh ash mount umount echo printf cat grep egrep sleep dd sync poweroff reboot insmod modprobe
rmmod lsmod awk sed cmp od hexdump seq head tail tr mkdir ls uname setsid cttyhack wc cut test
[ [[ true false ps dmesg free top ln cp mv rm date hwclock taskset nproc find xargs env kill
sort uniq stat df du mknod chmod clear reset stty blockdev vi less more watch uptime hostname
basename dirname expr timeout md5sum sha256sum xxd
""".split()
SBIN = {"poweroff", "reboot", "insmod", "modprobe", "rmmod", "lsmod", "mknod", "hwclock",
        "blockdev"}

INIT = r"""#!/bin/sh
# /init of skiff's guest Linux initramfs (tools/mkinitramfs.py)
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts
case " $(cat /proc/cmdline) " in
*" skiff.out=kmsg "*) # no console tty (its UART has no driver): lines go to the kernel log
	echo on >/proc/sys/kernel/printk_devkmsg
	exec </dev/null >/dev/kmsg 2>&1
	;;
esac
echo "skiff-guest: init"
kver=$(uname -r)
for m in $(cat /lib/modules/$kver/load-order); do
	insmod /lib/modules/$kver/$m || echo "skiff-guest: insmod $m failed"
done
for w in $(cat /proc/cmdline); do
	case "$w" in skiff.chan=*) # the inter-guest channel (docs/channel.md)
		/bin/skiff-chan "${w#skiff.chan=}"
		echo "skiff-guest: skiff-chan exit $?"
		case " $(cat /proc/cmdline) " in *" skiff.chan.off "*) sync; poweroff -f ;; esac
		;;
	esac
done
case " $(cat /proc/cmdline) " in
*" skiff.test=1 "*)
	/bin/skiff-test
	;;
*)
	/bin/busybox --install -s 2>/dev/null
	echo "skiff-guest: shell (leave it to power off)"
	setsid cttyhack /bin/sh -l
	;;
esac
sync
poweroff -f
"""

SKIFF_TEST = r"""#!/bin/sh
# skiff-test: the guest side of tests/linux/test_linux.py (tools/mkinitramfs.py)
n=0
ok() { n=$((n + 1)); echo "skiff-guest: ok $n - $*"; }
notok() { n=$((n + 1)); echo "skiff-guest: not ok $n - $*"; }
check() { # check COND-STATUS DESCRIPTION
	if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi
}
# total count of the /proc/interrupts line(s) whose text matches $1 (extended regex)
irq_count() {
	awk -v re="$1" 'NR > 1 && $0 ~ re {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
		found = 1
	} END { if (found) print s + 0; else print "none" }' /proc/interrupts
}
# the /proc/interrupts line matching $1, blanks squeezed
irq_line() { grep -E "$1" /proc/interrupts | head -n 1 | tr -s ' '; }
# wait_change RE OLD TENTHS: waits until irq_count RE differs from OLD, at most TENTHS/10 s
wait_change() {
	i=0
	while [ "$(irq_count "$1")" = "$2" ] && [ $i -lt $3 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# skipped CHECK: true when skiff.skip=CHECK[,CHECK...] names it (uart, rtc, key, blk)
skips=
for w in $(cat /proc/cmdline); do
	case "$w" in skiff.skip=*) skips="${w#skiff.skip=}" ;; esac
done
skipped() { case ",$skips," in *",$1,"*) return 0 ;; esac; return 1; }

echo 5 >/proc/sys/kernel/printk # warnings and worse only: keep the lines below whole
echo "skiff-guest: test start, kernel $(uname -r), cmdline: $(cat /proc/cmdline)"

# 1. every vCPU brought up (PSCI CPU_ON at boot)
cpus=$(grep -c '^processor' /proc/cpuinfo)
online=$(cat /sys/devices/system/cpu/online)
possible=$(cat /sys/devices/system/cpu/possible)
[ -n "$cpus" ] && [ "$online" = "$possible" ]
check $? "cpus online: $cpus (online $online, possible $possible)"

# 2-3. CPU hotplug: CPU_OFF, then CPU_ON again
if [ -e /sys/devices/system/cpu/cpu1/online ]; then
	echo 0 >/sys/devices/system/cpu/cpu1/online
	st=$?
	off=$(cat /sys/devices/system/cpu/cpu1/online)
	[ $st = 0 ] && [ "$off" = 0 ]
	check $? "cpu1 offline: online=$off (cpus online $(cat /sys/devices/system/cpu/online))"
	echo 1 >/sys/devices/system/cpu/cpu1/online
	st=$?
	on=$(cat /sys/devices/system/cpu/cpu1/online)
	[ $st = 0 ] && [ "$on" = 1 ] && taskset -c 1 true
	check $? "cpu1 online again: online=$on (cpus online $(cat /sys/devices/system/cpu/online))"
else
	notok "cpu1 offline: no /sys/devices/system/cpu/cpu1/online"
	notok "cpu1 online again: skipped"
fi

# 4. the UART's interrupt: the harness types a line into the console (receive interrupts)
if ! skipped uart; then
	u0=$(irq_count 'pl011')
	echo "skiff-guest: uart: type a line"
	line=
	read -t 20 -r line
	u1=$(irq_count 'pl011')
	[ "$line" = "@UART_LINE@" ] && [ "$u0" != none ] && [ "$u1" -gt "$u0" ]
	check $? "uart: read '$line', pl011 count $u0 -> $u1: $(irq_line 'pl011')"
fi

# 5. the arch timer's interrupt, going up
t0=$(irq_count 'arch_timer')
sleep 1
t1=$(irq_count 'arch_timer')
[ "$t0" != none ] && [ "$t1" -gt "$t0" ]
check $? "interrupts: arch timer count $t0 -> $t1 over 1 s: $(irq_line 'arch_timer')"

# 6. RTC alarm: the PL031's interrupt exactly once (not when skiff.skip=rtc says another guest
# has the PL031, or the machine has none)
r0=$(irq_count 'pl031')
if skipped rtc; then
	:
elif [ -e /sys/class/rtc/rtc0/wakealarm ] && [ "$r0" != none ]; then
	echo 0 >/sys/class/rtc/rtc0/wakealarm
	echo +2 >/sys/class/rtc/rtc0/wakealarm
	wait_change 'pl031' "$r0" 100
	sleep 1
	r1=$(irq_count 'pl031')
	[ "$r1" = $((r0 + 1)) ]
	check $? "rtc alarm: pl031 count $r0 -> $r1 (expected +1): $(irq_line 'pl031')"
else
	notok "rtc alarm: no rtc0 wakealarm or no pl031 interrupt (count $r0)"
fi

# 7. the power key (gpio-keys on the PL061), pressed by the harness over QMP
k0=$(irq_count 'Poweroff|gpio.keys|GPIO Key')
if skipped key; then
	:
elif [ "$k0" != none ]; then
	echo "skiff-guest: qmp system_powerdown"
	wait_change 'Poweroff|gpio.keys|GPIO Key' "$k0" 300
	sleep 0.5
	k1=$(irq_count 'Poweroff|gpio.keys|GPIO Key')
	[ "$k1" -gt "$k0" ]
	check $? "power key: gpio-keys count $k0 -> $k1: $(irq_line 'Poweroff|gpio.keys|GPIO Key')"
else
	notok "power key: no gpio-keys interrupt in /proc/interrupts"
fi

# 8. virtio-blk: write a pattern to /dev/vda, read it back past the page cache
i=0
while ! skipped blk && [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if skipped blk; then
	:
elif [ -b /dev/vda ]; then
	v0=$(irq_count 'virtio')
	awk 'BEGIN { for (i = 0; i < @LINES@; i++) printf "skiff-%09d\n", i }' >/tmp/pattern
	dd if=/tmp/pattern of=/dev/vda bs=4096 seek=$((@OFFSET@ / 4096)) conv=fsync 2>/dev/null
	st=$?
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dd if=/dev/vda of=/tmp/back bs=4096 skip=$((@OFFSET@ / 4096)) \
		count=$((@LINES@ * 16 / 4096)) 2>/dev/null
	[ $st = 0 ] && cmp -s /tmp/pattern /tmp/back
	st=$?
	what="/dev/vda $(cat /sys/block/vda/size) sectors, $((@LINES@ * 16)) bytes at @OFFSET@"
	check $st "virtio-blk: $what written, read back; virtio irqs $v0 -> $(irq_count virtio)"
	rm -f /tmp/pattern /tmp/back
	sync
else
	notok "virtio-blk: no /dev/vda"
fi

echo "skiff-guest: 1..$n"
echo "skiff-guest: done (a line on the console or 10 s: power off)"
read -t 10 -r line # meanwhile the harness reads what skiff logged, then types a line
"""


class Newc:
    """A newc ("070701") cpio archive, written in order, directories before their contents."""

    def __init__(self, mtime=0):
        self.buf = io.BytesIO()
        self.ino = 1000
        self.mtime = mtime
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name = name.lstrip("/")
        if name in self.names:
            raise ValueError("duplicate cpio entry %s" % name)
        self.names.add(name)
        self.ino += 1
        nb = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, self.mtime, len(data), 0, 0, rdev[0], rdev[1],
                  len(nb), 0]
        hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
        self.buf.write(hdr + nb)
        self.buf.write(b"\0" * (-(len(hdr) + len(nb)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0, nlink=1)
        self.buf.write(b"\0" * (-self.buf.tell() % 512))
        return self.buf.getvalue()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def build(linux, chan=None):
    mods = os.path.join(linux, "modules")
    for need in ("busybox", os.path.join("modules", "load-order"),
                 os.path.join("modules", "version")):
        if not os.path.isfile(os.path.join(linux, need)):
            sys.exit("mkinitramfs: %s missing: run tools/fetch-linux.sh" %
                     os.path.join(linux, need))
    kver = read(os.path.join(mods, "version")).decode().strip()
    order = read(os.path.join(mods, "load-order")).decode().split()

    a = Newc()
    for d in ("bin", "sbin", "dev", "etc", "lib", "lib/modules", "lib/modules/" + kver, "mnt",
              "proc", "root", "sys", "tmp", "usr", "usr/bin", "usr/sbin"):
        a.dir(d, 0o1777 if d == "tmp" else 0o755)
    a.chardev("dev/console", 5, 1)
    a.chardev("dev/null", 1, 3, 0o666)
    a.file("bin/busybox", read(os.path.join(linux, "busybox")), 0o755)
    for app in APPLETS:
        where = "sbin" if app in SBIN else "bin"
        a.symlink("%s/%s" % (where, app), "/bin/busybox")
    a.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    a.file("etc/group", b"root:x:0:\n")
    a.file("etc/profile", b"export PS1='skiff-guest# '\n")
    dep = []
    for m in order:
        a.file("lib/modules/%s/%s" % (kver, m), read(os.path.join(mods, m)))
        dep.append("%s:\n" % m)  # load-order lists dependencies first; busybox reads this
    a.file("lib/modules/%s/modules.dep" % kver, "".join(dep).encode())
    a.file("lib/modules/%s/load-order" % kver, ("\n".join(order) + "\n").encode())
    a.file("init", INIT.encode(), 0o755)
    test = SKIFF_TEST.replace("@LINES@", str(PATTERN_LINES)) \
        .replace("@OFFSET@", str(PATTERN_OFFSET)).replace("@UART_LINE@", UART_LINE)
    a.file("bin/skiff-test", test.encode(), 0o755)
    if chan:
        a.file("bin/skiff-chan", read(chan), 0o755)
    return a.finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--linux", default=os.path.join(ROOT, "build", "linux"),
                    help="what tools/fetch-linux.sh made (default build/linux)")
    ap.add_argument("--out", help="output (default LINUX/initramfs.cpio.gz)")
    ap.add_argument("--chan", help="the static skiff-chan program, as /bin/skiff-chan")
    a = ap.parse_args()
    out = a.out or os.path.join(a.linux, "initramfs.cpio.gz")
    data = build(a.linux, a.chan)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as z:
            z.write(data)
    os.replace(tmp, out)
    print("mkinitramfs: %s, %d bytes (%d uncompressed)" %
          (os.path.relpath(out, ROOT), os.path.getsize(out), len(data)))


if __name__ == "__main__":
    main()
