/*
 * boot_marker.c - the Linux guest's side of `make bench`'s boot figure (tools/bench.py,
 * bench/README.md): a freestanding static aarch64 Linux program that reads the virtual counter
 * CNTVCT_EL0 and prints it as
 *     skiff-bench: cntvct TICKS cntfrq HZ
 * then exits. Under QEMU -icount shift=0 one instruction is 1 ns of virtual time and the
 * counter runs at 62.5 MHz, so TICKS * 16 is the instructions executed since reset (CNTVOFF is
 * 0 natively and under skiff). The bench initramfs runs it from /init right after the
 * "skiff-guest: init" marker when the kernel command line has skiff.bench=1.
 *
 * Built with: aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -O2 (no libc, no startup
 * files): write(2) and exit(2) through SVC, the counter through MRS (Linux lets EL0 read it).
 */
typedef unsigned long u64;

#define SYS_WRITE 64
#define SYS_EXIT 93

static long sys3(long nr, long a, long b, long c)
{
	register long x8 asm("x8") = nr;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;

	asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_u64(char *p, u64 v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

void _start(void) __attribute__((noreturn, used));

void _start(void)
{
	char buf[96], *p = buf;
	u64 ticks, freq;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(ticks)::"memory");
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	p = put_str(p, "skiff-bench: cntvct ");
	p = put_u64(p, ticks);
	p = put_str(p, " cntfrq ");
	p = put_u64(p, freq);
	*p++ = '\n';
	sys3(SYS_WRITE, 1, (long)buf, p - buf);
	sys3(SYS_EXIT, 0, 0, 0);
	for (;;)
		;
}
