/*
 * console.c - the AArch32 test guests' console and TAP: a polled PL011, whole lines under a
 * lock with IRQs masked, the TAP lines of tests/guests/lib/tap.c (plan, ok / not ok N, SKIP,
 * the summary and "# guest NAME done" before PSCI SYSTEM_OFF).
 */
#include "lib/printf.h"
#include "tests/guests/lib32/rt32.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)
#define LINE_MAX 256

static struct spinlock32 console_lock, tap_lock;
static unsigned int planned, count, failed, skipped;

static void write_raw(const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n') {
			while (mmio_read32(plat32.uart + UART_FR) & UART_FR_TXFF)
				cpu_relax();
			mmio_write32(plat32.uart + UART_DR, '\r');
		}
		while (mmio_read32(plat32.uart + UART_FR) & UART_FR_TXFF)
			cpu_relax();
		mmio_write32(plat32.uart + UART_DR, (uint8_t)*s++);
	}
}

static int vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	uint32_t flags;

	if (n < 0)
		return n;
	flags = irq_save();
	spin_lock32(&console_lock);
	write_raw(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	spin_unlock32(&console_lock);
	irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void tap_plan(unsigned int n)
{
	planned = n;
	printk("1..%u\n", n);
}

static void result(bool ok, const char *directive, const char *fmt, va_list ap)
{
	char name[LINE_MAX - 40];
	uint32_t flags = irq_save();
	unsigned int n;

	fmt_vsnprintf(name, sizeof(name), fmt, ap);
	spin_lock32(&tap_lock);
	n = ++count;
	if (!ok)
		failed++;
	if (directive) {
		skipped++;
		printk("ok %u - %s # SKIP %s\n", n, name, directive);
	} else {
		printk("%s %u - %s\n", ok ? "ok" : "not ok", n, name);
	}
	spin_unlock32(&tap_lock);
	irq_restore(flags);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(cond, NULL, fmt, ap);
	va_end(ap);
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(true, reason, fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	char line[LINE_MAX - 8];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("# %s\n", line);
}

void tap_done(void)
{
	if (count != planned)
		tap_diag("planned %u tests but ran %u", planned, count);
	tap_diag("%u passed, %u failed, %u skipped", count - failed - skipped, failed, skipped);
	printk("# guest %s done\n", guest_name);
	psci_system_off();
}

void bail_out(const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;
	int n;

	irq_disable();
	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	write_raw("\nBail out! ", 11);
	write_raw(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	write_raw("\n", 1);
	printk("# guest %s done\n", guest_name);
	psci_system_off();
}
