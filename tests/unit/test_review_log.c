/*
 * test_review_log.c - review reproducer for hyp/log.c's virtual-console budget.
 *
 * log_guest_console() charges a line len + 1 bytes against LOG_CONSOLE_BURST (16384 bytes of a
 * guest's virtual console per second, log.h), but what it puts in the ring shared by every
 * guest is a 4-byte record header, the "[guest@N] " prefix, the text and '\n': 16 bytes for a
 * one-character line that was charged 2. A guest writing "x\n" to its virtual console (two
 * MMIO writes per line) thereby stays within its budget while it puts 8 times the budget into
 * the log each second: 128 KiB, twice the 64 KiB ring, and 96 KB of console output against a
 * 115200-baud UART's 11.5 KB/s. Every other guest's lines (and skiff's) are evicted within
 * half a second, so their SKIFF_HVC_LOG_READ views lose them, and the console drops them.
 *
 * The test: within one budget window, guest 1 logs a line, then guest 2 writes one-character
 * lines until its budget is spent. The bytes guest 2 added to the log must stay within
 * LOG_CONSOLE_BURST (plus one line), and guest 1's line must still be in guest 1's view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/log.h"

#define FREQ 1000

void cpu_halt(void) __attribute__((noreturn));
void cpu_halt(void)
{
	fail_msg("cpu_halt");
	abort();
}

static bool fake_try_putc(uintptr_t ctx, char c)
{
	(void)ctx;
	(void)c;
	return true;
}

static void fake_putc(uintptr_t ctx, char c)
{
	(void)ctx;
	(void)c;
}

static uint64_t fake_now(void)
{
	return 5 * FREQ; /* one instant: everything below falls in one budget window */
}

static void fake_later(void)
{
}

static const struct log_console console = { .try_putc = fake_try_putc, .putc = fake_putc };
static const struct log_clock clock = { .now = fake_now, .freq = FREQ, .later = fake_later };

static uint64_t view_total(int view)
{
	uint64_t total;
	char c;

	log_ring_read(view, 0, &c, 0, &total);
	return total;
}

static void test_console_budget_counts_what_the_ring_takes(void **state)
{
	static char buf[LOG_RING_SIZE + 1];
	uint64_t t1, t2_before, all_before, added, total;
	uint64_t n;
	unsigned int i;

	(void)state;
	log_set_console(&console);
	log_set_clock(&clock);
	log_enable_lock();
	log_start_async();
	log_set_guest_name(1, "guest@1");
	log_set_guest_name(2, "guest@2");

	t1 = view_total(1);
	log_guest(1, "a line guest 1 wants to read back");
	t2_before = view_total(2);
	all_before = view_total(LOG_VIEW_ALL);
	for (i = 0; i < 2 * LOG_CONSOLE_BURST; i++)
		log_guest_console(2, "x", 1); /* "x\n" on its virtual console */

	added = view_total(2) - t2_before;
	/* what reached the log, records' headers not even counted */
	print_message("# guest 2 was charged at most %d bytes; it added %llu bytes of text to "
		      "the log (%llu with the other lines), the ring holds %d\n",
		      LOG_CONSOLE_BURST, (unsigned long long)added,
		      (unsigned long long)(view_total(LOG_VIEW_ALL) - all_before), LOG_RING_SIZE);
	n = log_ring_read(1, t1, buf, LOG_RING_SIZE, &total);
	buf[n] = '\0';
	assert_true(added <= LOG_CONSOLE_BURST + 256);
	assert_non_null(strstr(buf, "a line guest 1 wants to read back"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_budget_counts_what_the_ring_takes),
	};

	return cmocka_run_group_tests_name("review_log", tests, NULL, NULL);
}
