/*
 * console.c - the test guests' console: a polled PL011 (never its interrupts), printk into
 * a line buffer written whole under a lock with IRQs masked, so lines from several CPUs and
 * from interrupt handlers never interleave. bail_out() ends a run that cannot go on.
 */
#include "lib/printf.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF BIT(5)
#define PRINTK_MAX 256

static struct spinlock console_lock;

static void uart_putc(char c)
{
	while (mmio_read32(plat.uart + UART_FR) & UART_FR_TXFF)
		cpu_relax();
	mmio_write32(plat.uart + UART_DR, (uint8_t)c);
}

static void write_raw(const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s++);
	}
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = local_irq_save();

	spin_lock(&console_lock);
	write_raw(s, n);
	spin_unlock(&console_lock);
	local_irq_restore(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
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

void bail_out(const char *fmt, ...)
{
	char buf[PRINTK_MAX];
	va_list ap;
	int n;

	local_irq_disable();
	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	/* No lock: this CPU may hold it already (a fault in the middle of a line). */
	write_raw("\nBail out! ", 11);
	write_raw(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	write_raw("\n", 1);
	printk("# guest %s done\n", guest_name);
	psci_system_off();
}
