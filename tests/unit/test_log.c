/*
 * test_log.c - host unit tests for lib/log.c: each guest's view of the log (skiff's lines and
 * its own, never another guest's), views across ring eviction, the per-guest limit with its
 * count and report, the virtual console's byte budget, the console handed to a guest and taken
 * back (what it missed printed once, after a marker), and a console that never makes a CPU
 * wait: only what the UART takes at once, the rest through log_poll(), a line added while
 * another CPU prints left to that CPU, evicted lines reported as missed.
 * The log's state lives for the whole process, so each test measures from where the previous
 * one left it, and the tests run in order (sync console first, then async).
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

#include "lib/log.h"

#define OUT_MAX (1u << 20)
#define FREQ 1000 /* fake clock ticks per second */

void cpu_halt(void) __attribute__((noreturn));
void cpu_halt(void)
{
	fail_msg("cpu_halt");
	abort();
}

/* ---- the fake console and clock */

static char out[OUT_MAX];
static size_t out_len;
static long fifo_room = -1; /* characters try_putc takes before it refuses; -1: all */
static unsigned int blocking_putcs;
static unsigned int later_calls;
static uint64_t now_ticks;
static uint64_t now_step;     /* each reading of the clock advances it this much */
static jmp_buf *halt_at_char; /* fake_putc "halts the CPU" (longjmp) at its next character */
static const char *nested_at; /* when try_putc prints this character run, log a line */
static bool nested_done;

static void record(char c)
{
	if (out_len < OUT_MAX)
		out[out_len++] = c;
}

static bool fake_try_putc(uintptr_t ctx, char c)
{
	(void)ctx;
	if (fifo_room == 0)
		return false;
	if (fifo_room > 0)
		fifo_room--;
	record(c);
	if (nested_at && !nested_done && out_len >= strlen(nested_at) &&
	    !memcmp(out + out_len - strlen(nested_at), nested_at, strlen(nested_at))) {
		nested_done = true; /* "another CPU" logs while this one prints */
		log_guest(0, "nested line");
	}
	return true;
}

static void fake_putc(uintptr_t ctx, char c)
{
	(void)ctx;
	if (halt_at_char) {
		jmp_buf *j = halt_at_char;

		halt_at_char = NULL;
		longjmp(*j, 1);
	}
	blocking_putcs++;
	record(c);
}

static uint64_t now_step;     /* each reading of the clock advances it this much */
static jmp_buf *halt_at_char; /* fake_putc "halts the CPU" (longjmp) at its next character */

static uint64_t fake_now(void)
{
	now_ticks += now_step;
	return now_ticks;
}

static void fake_later(void)
{
	later_calls++;
}

static unsigned int saves, restores;

static void fake_save(uintptr_t ctx)
{
	(void)ctx;
	saves++;
}

static void fake_restore(uintptr_t ctx)
{
	(void)ctx;
	restores++;
}

static const struct log_console console = {
	.try_putc = fake_try_putc,
	.putc = fake_putc,
	.save = fake_save,
	.restore = fake_restore,
};

static const struct log_clock clock = {
	.now = fake_now,
	.freq = FREQ,
	.later = fake_later,
};

/* ---- helpers */

/* The whole of view's log as kept, NUL-terminated, in a static buffer; *total its total. */
static const char *view_text(int view, uint64_t offset, uint64_t *total)
{
	static char buf[LOG_RING_SIZE + 1];
	uint64_t n = log_ring_read(view, offset, buf, LOG_RING_SIZE, total);

	assert_true(n <= LOG_RING_SIZE);
	buf[n] = '\0';
	return buf;
}

static uint64_t view_total(int view)
{
	uint64_t total;
	char c;

	log_ring_read(view, 0, &c, 0, &total);
	return total;
}

/* The console output since mark, as a C string (without '\r'). */
static const char *printed_since(size_t mark)
{
	static char buf[OUT_MAX + 1];
	size_t i, n = 0;

	for (i = mark; i < out_len; i++)
		if (out[i] != '\r')
			buf[n++] = out[i];
	buf[n] = '\0';
	return buf;
}

static int setup_group(void **state)
{
	(void)state;
	log_set_halt(cpu_halt);
	log_set_console(&console);
	log_set_clock(&clock);
	log_enable_lock();
	log_set_guest_name(0, "guest@0");
	log_set_guest_name(1, "guest@1");
	log_set_guest_name(2, "guest@2");
	log_set_guest_name(3, "guest@3");
	return 0;
}

/* ---- views */

/* A guest reads skiff's lines and its own; another guest's fault address and PC never
 * (issue 9, defect 4: a KASLR leak between guests). */
static void test_views(void **state)
{
	uint64_t t0 = view_total(0), t1 = view_total(1), ta = view_total(LOG_VIEW_ALL), total;
	const char *boot = "skiff: memory: 0x40000000-0x7fffffff\n";
	const char *mine =
		"skiff: guest@0: vcpu0: access at IPA 0x9000000 (PC 0xffff800010abc123)\n";
	const char *theirs =
		"skiff: guest@1: vcpu0: access at IPA 0x1234 (PC 0xffff80001dead000)\n";
	char expect[512];
	const char *t;

	(void)state;
	log_info("memory: 0x40000000-0x7fffffff");
	log_guest(0, "vcpu0: access at IPA 0x9000000 (PC 0xffff800010abc123)");
	log_guest(1, "vcpu0: access at IPA 0x1234 (PC 0xffff80001dead000)");

	t = view_text(0, t0, &total);
	snprintf(expect, sizeof(expect), "%s%s", boot, mine);
	assert_string_equal(t, expect);
	assert_int_equal(total, t0 + strlen(boot) + strlen(mine));
	assert_null(strstr(view_text(0, 0, &total), "dead000"));

	t = view_text(1, t1, &total);
	snprintf(expect, sizeof(expect), "%s%s", boot, theirs);
	assert_string_equal(t, expect);
	assert_int_equal(total, t1 + strlen(boot) + strlen(theirs));
	assert_null(strstr(view_text(1, 0, &total), "abc123"));

	t = view_text(LOG_VIEW_ALL, ta, &total);
	snprintf(expect, sizeof(expect), "%s%s%s", boot, mine, theirs);
	assert_string_equal(t, expect);

	/* guests 2 and 3 see only the skiff line */
	assert_string_equal(view_text(2, view_total(2) - strlen(boot), &total), boot);

	/* no such view: nothing, and no total */
	assert_int_equal(log_ring_read(LOG_MAX_GUESTS, 0, expect, sizeof(expect), &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(log_ring_read(-3, 0, expect, sizeof(expect), &total), 0);
	assert_int_equal(log_ring_read(LOG_SKIFF, 0, expect, sizeof(expect), &total), 0);
}

/* A read at an offset inside a line gives the rest of it; a short buffer gets a prefix. */
static void test_view_offsets(void **state)
{
	uint64_t t0 = view_total(0), total;
	char buf[8];

	(void)state;
	log_guest(0, "abcdefghij");
	/* "skiff: guest@0: abcdefghij\n": "abcdefghij" starts 16 bytes in */
	assert_int_equal(log_ring_read(0, t0 + 16, buf, 4, &total), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(log_ring_read(0, t0 + 20, buf, sizeof(buf), &total), 7);
	assert_memory_equal(buf, "efghij\n", 7);
	assert_int_equal(log_ring_read(0, total, buf, sizeof(buf), &total), 0);
	assert_int_equal(log_ring_read(0, total + 100, buf, sizeof(buf), &total), 0);
}

/* The console, before guests run: every line, in order, each '\n' as "\r\n", waiting for the
 * UART (blocking putc) rather than dropping anything. */
static void test_console_sync(void **state)
{
	size_t mark = out_len;
	unsigned int blocking = blocking_putcs;

	(void)state;
	log_info("one");
	log_cpu(3, "two");
	log_guest(2, "three");
	assert_string_equal(printed_since(mark),
			    "skiff: one\nskiff: cpu3: two\nskiff: guest@2: three\n");
	assert_memory_equal(out + mark, "skiff: one\r\n", 12);
	assert_int_equal(blocking_putcs - blocking, out_len - mark);
}

/* Far more than the ring holds, skiff's lines and guest 2's interleaved: each view still
 * starts at a whole line, holds exactly its own and skiff's lines in order, and its total
 * keeps counting. */
static void test_eviction(void **state)
{
	static char expect2[1 << 20];
	size_t n2 = 0, mark;
	uint64_t t2 = view_total(2), total;
	const char *t;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		char line[64];

		if (i % 3) {
			log_guest(2, "line %d", i);
			snprintf(line, sizeof(line), "skiff: guest@2: line %d\n", i);
		} else {
			log_info("skiff line %d", i);
			snprintf(line, sizeof(line), "skiff: skiff line %d\n", i);
		}
		log_guest(3, "not for guest 2: %d", i);
		memcpy(expect2 + n2, line, strlen(line));
		n2 += strlen(line);
	}
	expect2[n2] = '\0';
	t = view_text(2, 0, &total);
	assert_int_equal(total, t2 + n2);
	assert_true(strlen(t) < n2); /* the oldest are gone... */
	assert_true(strlen(t) > LOG_RING_SIZE / 4);
	assert_string_equal(t, expect2 + n2 - strlen(t)); /* ...and what is left is the newest */
	assert_true(t == strstr(t, "skiff: "));		  /* from a line's start */
	assert_null(strstr(t, "not for guest 2"));
	/* an offset older than what is kept reads from the oldest kept */
	mark = strlen(t);
	assert_int_equal(strlen(view_text(2, t2, &total)), mark);
}

/* ---- the per-guest limit */

static void test_limit(void **state)
{
	uint64_t before = log_guest_suppressed(3), t3;
	const char *t;
	int i, logged = 0;

	(void)state;
	now_ticks = 1000 * FREQ;
	for (i = 0; i < LOG_LIMIT_BURST + 5; i++)
		logged += log_guest_limited(3, "fault %d", i);
	assert_true(logged <= LOG_LIMIT_BURST);
	assert_int_equal(log_guest_suppressed(3) - before, LOG_LIMIT_BURST + 5 - logged);
	/* another guest has its own budget */
	assert_true(log_guest_limited(1, "guest 1 is not limited by guest 3"));
	/* within the window: still kept out */
	now_ticks += (LOG_LIMIT_WINDOW_S * FREQ) - 1;
	assert_false(log_guest_limited(3, "still too soon"));
	/* the next window: a report of what was dropped, then the line */
	now_ticks += 1;
	t3 = view_total(3);
	assert_true(log_guest_limited(3, "fault after the window"));
	t = view_text(3, t3, &t3);
	assert_non_null(strstr(t, "skiff: guest@3: "));
	assert_non_null(strstr(t, "more lines about it were suppressed"));
	assert_non_null(strstr(t, "skiff: guest@3: fault after the window\n"));
	assert_true(strstr(t, "suppressed") < strstr(t, "fault after"));
	/* no such guest: nothing logged */
	assert_false(log_guest_limited(LOG_MAX_GUESTS, "nobody"));
	assert_false(log_guest_limited(-1, "nobody"));
}

/*
 * A guest's virtual console: "[name] text" lines on the console, in a ring of its own (not in
 * skiff's log, so not in any view), within LOG_CONSOLE_BUDGET bytes as stored per window.
 * One-character lines are charged what they take, header and prefix included (the review
 * found them charged 2 bytes for 16 stored): a guest flooding its console neither evicts
 * another guest's log lines nor outruns its budget.
 */
static void test_virtual_console_budget(void **state)
{
	uint64_t before = log_guest_suppressed(2), t1, t2 = view_total(2), total;
	size_t mark = out_len;
	const char *p;
	unsigned int i, lines = 0;

	(void)state;
	now_ticks += 10 * FREQ;
	t1 = view_total(1);
	log_guest(1, "a line guest 1 wants to read back");
	log_guest_console(2, "hello", 5);
	assert_string_equal(printed_since(mark), "skiff: guest@1: a line guest 1 wants to read "
						 "back\n[guest@2] hello\n");
	assert_int_equal(view_total(2), t2); /* a console line is no log line */
	mark = out_len;
	for (i = 0; i < 4 * LOG_CONSOLE_BUDGET; i++)
		log_guest_console(2, "x", 1);
	p = printed_since(mark);
	for (; (p = strstr(p, "[guest@2] x\n")); p++)
		lines++;
	/* each costs 8 (header) + 10 ("[guest@2] ") + 2 ("x\n") */
	assert_true(lines <= LOG_CONSOLE_BUDGET / 20);
	assert_true(lines >= LOG_CONSOLE_BUDGET / 20 - 1);
	assert_int_equal(log_guest_suppressed(2) - before, (4 * LOG_CONSOLE_BUDGET - lines) * 20);
	assert_non_null(strstr(view_text(1, t1, &total), "a line guest 1 wants to read back"));
	/* the next window: a line says how much was dropped, then the console works again */
	now_ticks += LOG_CONSOLE_WINDOW_S * FREQ;
	mark = out_len;
	log_guest_console(2, "again", 5);
	p = printed_since(mark);
	assert_non_null(strstr(p, "bytes of its virtual console output were dropped"));
	assert_non_null(strstr(p, "[guest@2] again\n"));
	/* no such guest: nothing */
	mark = out_len;
	log_guest_console(LOG_MAX_GUESTS, "nobody", 6);
	log_guest_console(-1, "nobody", 6);
	assert_int_equal(out_len, mark);
}

/* The console prints skiff's log and the guests' virtual consoles in the order the lines
 * came, whichever ring they are in. */
static void test_console_order_across_rings(void **state)
{
	size_t mark = out_len;

	(void)state;
	now_ticks += 10 * FREQ;
	log_info("first");
	log_guest_console(1, "second", 6);
	log_guest(3, "third");
	log_guest_console(3, "fourth", 6);
	log_guest_console(1, "fifth", 5);
	assert_string_equal(printed_since(mark),
			    "skiff: first\n[guest@1] second\nskiff: guest@3: third\n"
			    "[guest@3] fourth\n[guest@1] fifth\n");
}

/* ---- the console handed to a guest and taken back */

static void test_handover(void **state)
{
	size_t mark;
	const char *p;

	(void)state;
	saves = restores = 0;
	log_handover_console(0);
	assert_int_equal(saves, 1); /* the UART's set-up kept */
	mark = out_len;
	log_guest(0, "while the guest has the UART");
	log_info("a skiff line meanwhile");
	log_guest_console(1, "another guest's output", 22);
	assert_int_equal(out_len, mark); /* nothing on the guest's UART */
	log_cpu_alert(1, "cpu lost");	 /* but an alert about skiff is */
	log_guest_alert(0, "about the owner");
	log_guest_alert(2, "about another guest"); /* not on the owner's UART */
	assert_string_equal(printed_since(mark),
			    "skiff: cpu1: cpu lost\nskiff: guest@0: about the owner\n");
	mark = out_len;
	log_reclaim_console();
	assert_int_equal(restores, 1); /* put back before skiff writes again */
	p = printed_since(mark);
	assert_string_equal(p, "skiff: the console is skiff's again; what it missed follows\n"
			       "skiff: guest@0: while the guest has the UART\n"
			       "skiff: a skiff line meanwhile\n"
			       "[guest@1] another guest's output\n"
			       "skiff: guest@2: about another guest\n");
}

/* A private line (an EL2 fault's registers) is in no guest's view and not on a guest's
 * UART; skiff's own view has it, and its console prints it once it is skiff's again. */
static void test_private(void **state)
{
	uint64_t total;
	size_t mark;
	unsigned int g;

	(void)state;
	log_cpu_private(2, "x0-x3: secret");
	for (g = 0; g < LOG_MAX_GUESTS; g++)
		assert_null(strstr(view_text((int)g, 0, &total), "secret"));
	assert_non_null(strstr(view_text(LOG_VIEW_ALL, 0, &total), "skiff: cpu2: x0-x3: secret\n"));
	assert_non_null(strstr(printed_since(0), "skiff: cpu2: x0-x3: secret\n"));

	log_handover_console(1);
	mark = out_len;
	log_cpu_private(3, "x4-x7: hidden");
	log_cpu_alert(3, "stopped");
	assert_string_equal(printed_since(mark), "skiff: cpu3: stopped\n");
	for (g = 0; g < LOG_MAX_GUESTS; g++)
		assert_null(strstr(view_text((int)g, 0, &total), "hidden"));
	mark = out_len;
	log_reclaim_console();
	assert_non_null(strstr(printed_since(mark), "skiff: cpu3: x4-x7: hidden\n"));
}

/* ---- a console that never waits (guests run) */

/* Only what the UART takes at once; the rest when asked again, in order, nothing twice. */
static void test_async_never_waits(void **state)
{
	unsigned int later = later_calls, blocking = blocking_putcs;
	size_t mark = out_len;

	(void)state;
	log_start_async();
	fifo_room = 10;
	log_info("a line longer than the FIFO");
	assert_int_equal(out_len - mark, 10);
	assert_int_equal(later_calls, later + 1); /* asked to be called again */
	log_guest(1, "and another");		  /* still full: appended, not waited for */
	assert_int_equal(out_len - mark, 10);
	fifo_room = 5;
	log_poll();
	assert_int_equal(out_len - mark, 15);
	fifo_room = -1;
	log_poll();
	assert_string_equal(printed_since(mark),
			    "skiff: a line longer than the FIFO\nskiff: guest@1: and another\n");
	assert_int_equal(blocking_putcs, blocking);
}

/* A line logged while another CPU prints is left to that CPU, which prints it before it lets
 * go of the console: the logging CPU does not wait, and nothing is lost. */
static void test_line_added_while_printing(void **state)
{
	size_t mark = out_len;

	(void)state;
	nested_at = "skiff: first";
	nested_done = false;
	log_info("first line");
	assert_true(nested_done);
	assert_string_equal(printed_since(mark),
			    "skiff: first line\nskiff: guest@0: nested line\n");
	nested_at = NULL;
}

/* The UART stuck while far more than the ring is logged: when it moves again, the console
 * says how much it missed, then prints what is kept. */
static void test_console_missed(void **state)
{
	size_t mark = out_len;
	const char *p;
	int i;

	(void)state;
	fifo_room = 0;
	for (i = 0; i < 2000; i++)
		log_info("filler line %04d ..........................................", i);
	assert_int_equal(out_len, mark);
	fifo_room = -1;
	log_poll();
	p = printed_since(mark);
	assert_true(p == strstr(p, "skiff: the console missed "));
	assert_non_null(strstr(p, "bytes of the log\n"));
	assert_non_null(strstr(p, "skiff: filler line 1999"));
	assert_null(strstr(p, "skiff: filler line 0000"));
}

/* Before power-off everything left is printed, waiting for the UART. */
static void test_flush(void **state)
{
	size_t mark;

	(void)state;
	fifo_room = 0;
	log_info("last words");
	mark = out_len;
	log_flush();
	assert_string_equal(printed_since(mark), "skiff: last words\n");
	fifo_room = -1;
}

/* A CPU that stops at EL2 in the middle of a line keeps console_lock for good: log_flush()
 * before power-off waits while the console moves, then prints the rest without the lock. */
static void test_flush_holder_gone(void **state)
{
	static jmp_buf halted;
	size_t mark;

	(void)state;
	mark = out_len;
	if (!setjmp(halted)) {
		halt_at_char = &halted;
		log_cpu_alert(1, "dies mid-line"); /* takes console_lock, never lets go */
		fail_msg("the alert returned");
	}
	assert_int_equal(out_len, mark); /* it halted at its first character */
	log_info("the boot CPU's last line");
	assert_int_equal(out_len, mark); /* left to the holder, which is gone */
	now_step = FREQ / 1000;		 /* a millisecond each reading */
	log_flush();
	now_step = 0;
	assert_string_equal(printed_since(mark),
			    "skiff: cpu1: dies mid-line\nskiff: the boot CPU's last line\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_view_offsets),
		cmocka_unit_test(test_console_sync),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_virtual_console_budget),
		cmocka_unit_test(test_console_order_across_rings),
		cmocka_unit_test(test_handover),
		cmocka_unit_test(test_private),
		cmocka_unit_test(test_async_never_waits),
		cmocka_unit_test(test_line_added_while_printing),
		cmocka_unit_test(test_console_missed),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_flush_holder_gone),
	};

	return cmocka_run_group_tests_name("log", tests, setup_group, NULL);
}
