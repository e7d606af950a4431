/*
 * uart_checks.c - the checks of uart_checks.h, as cmocka assertions. Touches only the fake
 * UART it is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/uart_port.h"
#include "lib/log.h"
#include "tests/unit/uart_checks.h"

/* Status reads putc or try_putc made for one character. */
static unsigned int reads_for(const struct uart_tx_fake *f, unsigned int before)
{
	return f->status_reads(f->dev) - before;
}

void check_uart_tx(const struct log_console *c, const struct uart_tx_fake *f)
{
	unsigned int before;

	/* room: both send at once */
	c->putc(c->ctx, 'a');
	assert_true(c->try_putc(c->ctx, 'b'));
	assert_string_equal(f->sent(f->dev), "ab");

	/* full: try_putc looks once and sends nothing */
	f->set_full(f->dev, FAKE_UART_FULL);
	before = f->status_reads(f->dev);
	assert_false(c->try_putc(c->ctx, 'X'));
	assert_int_equal(reads_for(f, before), 1);
	assert_string_equal(f->sent(f->dev), "ab");

	/* stuck full: putc gives up after its bound... */
	before = f->status_reads(f->dev);
	c->putc(c->ctx, 'X');
	assert_int_equal(reads_for(f, before), UART_PUTC_MAX_POLLS);
	/* ...and from then on looks once: a character goes only if there is room at once */
	before = f->status_reads(f->dev);
	c->putc(c->ctx, 'X');
	assert_int_equal(reads_for(f, before), 1);
	f->set_full(f->dev, 1);
	before = f->status_reads(f->dev);
	c->putc(c->ctx, 'X');
	assert_int_equal(reads_for(f, before), 1);
	assert_string_equal(f->sent(f->dev), "ab");

	/* room again: it goes, and putc waits again for the next one */
	f->set_full(f->dev, 0);
	c->putc(c->ctx, 'c');
	f->set_full(f->dev, 5);
	before = f->status_reads(f->dev);
	c->putc(c->ctx, 'd');
	assert_int_equal(reads_for(f, before), 6);
	assert_string_equal(f->sent(f->dev), "abcd");

	/* a character try_putc sends ends a drop streak too */
	f->set_full(f->dev, FAKE_UART_FULL);
	c->putc(c->ctx, 'X');
	f->set_full(f->dev, 0);
	assert_true(c->try_putc(c->ctx, 'e'));
	f->set_full(f->dev, 3);
	before = f->status_reads(f->dev);
	c->putc(c->ctx, 'f');
	assert_int_equal(reads_for(f, before), 4);
	assert_string_equal(f->sent(f->dev), "abcdef");
}

void check_uart_taken(struct uart u, bool taken)
{
	struct log_console c, before;

	memset(&c, 0x5a, sizeof(c));
	before = c;
	assert_int_equal(uart_console_init(&u, &c), taken);
	if (!taken) {
		assert_memory_equal(&c, &before, sizeof(c));
		return;
	}
	assert_non_null(c.try_putc);
	assert_non_null(c.putc);
	assert_non_null(c.save);
	assert_non_null(c.restore);
	assert_true(c.ctx != 0x5a5a5a5a5a5a5a5aull);
}
