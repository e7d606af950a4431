/*
 * tap.c - TAP producer for the test guests. Numbers results in the order they are printed;
 * tap_done() compares the count with the plan and ends the run with PSCI SYSTEM_OFF.
 */
#include "tests/guests/lib/tap.h"

#include "lib/printf.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"

#define TAP_LINE_MAX 200

static struct spinlock tap_lock;
static unsigned int tap_planned;
static unsigned int tap_count;
static unsigned int tap_failed;
static unsigned int tap_skipped;

void tap_plan(unsigned int n)
{
	tap_planned = n;
	printk("1..%u\n", n);
}

static void tap_result(bool ok, const char *directive, const char *fmt, va_list ap)
{
	char name[TAP_LINE_MAX];
	uint64_t flags = local_irq_save();
	unsigned int n;

	fmt_vsnprintf(name, sizeof(name), fmt, ap);
	spin_lock(&tap_lock);
	n = ++tap_count;
	if (!ok)
		tap_failed++;
	/* printk takes the console lock itself; the TAP lock keeps the numbers in order. */
	if (directive) {
		tap_skipped++;
		printk("ok %u - %s # SKIP %s\n", n, name, directive);
	} else {
		printk("%s %u - %s\n", ok ? "ok" : "not ok", n, name);
	}
	spin_unlock(&tap_lock);
	local_irq_restore(flags);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(cond, NULL, fmt, ap);
	va_end(ap);
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(true, reason, fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	char line[TAP_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("# %s\n", line);
}

void tap_check_dtb(void)
{
	tap_ok(plat.dtb_ok, "x0 at entry points at a device tree (0x%lx, magic 0xd00dfeed)",
	       (unsigned long)plat.dtb);
}

void tap_summary(void)
{
	if (tap_count != tap_planned)
		tap_diag("planned %u tests but ran %u", tap_planned, tap_count);
	tap_diag("%u passed, %u failed, %u skipped", tap_count - tap_failed - tap_skipped,
		 tap_failed, tap_skipped);
}

void tap_done(void)
{
	tap_summary();
	printk("# guest %s done\n", guest_name);
	psci_system_off();
}
