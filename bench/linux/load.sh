#!/bin/sh
# skiff-load - the Linux guest's side of `make bench`'s interference rows
# (tools/bench_interference.py, bench/README.md section 7): for skiff.load=MS milliseconds of
# the guest's time, a load that makes its CPUs exit to skiff a lot, on all three of its CPUs:
#   cpu 0 <-> cpu 1  a ping-pong through two FIFOs (each turn wakes the other CPU: an IPI,
#                    a trapped ICC_SGI1R_EL1 write and the target's interrupt)
#   cpu 2            O_DIRECT reads of /dev/vda (virtio-blk: its interrupt, passed through),
#                    dropping the page cache between passes when direct I/O is refused
#   cpu 2            writes of the virtio interrupt's /proc/irq/N/smp_affinity (GICD_IROUTER
#                    and enable writes: MMIO exits to skiff's vGIC)
# It prints "skiff-load: start MARKER", "skiff-load: end MARKER" (bench/linux/boot_marker.c:
# the counter, so the bench can check the RT guest's window lay inside) and counts.
ms=$(sed -n 's/.* skiff\.load=\([0-9]*\).*/\1/p' /proc/cmdline)
ms=${ms:-3000}
busybox mkfifo /tmp/ping /tmp/pong
irq=$(awk '/virtio/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)
echo "skiff-load: start $(/bin/skiff-boot-marker)"
taskset 1 sh -c 'exec 3>/tmp/ping 4</tmp/pong; n=0
	while :; do echo p >&3; read r <&4; n=$((n + 1)); [ $((n % 256)) = 0 ] && echo $n >/tmp/pings; done' &
p1=$!
taskset 2 sh -c 'exec 3</tmp/ping 4>/tmp/pong; while read r <&3; do echo q >&4; done' &
p2=$!
taskset 4 sh -c 'n=0; while :; do
	dd if=/dev/vda of=/dev/null bs=4k count=256 iflag=direct 2>/dev/null ||
		{ dd if=/dev/vda of=/dev/null bs=4k count=256 2>/dev/null; echo 1 >/proc/sys/vm/drop_caches; }
	n=$((n + 1)); echo $n >/tmp/reads; done' &
p3=$!
taskset 4 sh -c "n=0; while [ -n '$irq' ]; do echo 1 >/proc/irq/$irq/smp_affinity; echo 4 >/proc/irq/$irq/smp_affinity
	n=\$((n + 2)); [ \$((n % 64)) = 0 ] && echo \$n >/tmp/affinity; done" &
p4=$!
sleep $((ms / 1000)).$(printf %03d $((ms % 1000)))
echo "skiff-load: end $(/bin/skiff-boot-marker)"
kill $p1 $p2 $p3 $p4 2>/dev/null
echo "skiff-load: counts ping-pongs $(cat /tmp/pings 2>/dev/null || echo 0) dd-passes-of-1MiB $(cat /tmp/reads 2>/dev/null || echo 0) affinity-writes $(cat /tmp/affinity 2>/dev/null || echo 0) irq ${irq:-none}"
grep -E 'IPI|virtio' /proc/interrupts | sed 's/^/skiff-load: irqs /'
echo "skiff-load: done"
