/*
 * test_uart_console.c - host tests of drivers/uart_console.c and uart_port.c: which UARTs and
 * layouts uart_console_init() takes, the copy of struct uart it keeps, and the PL011 driven
 * through it and through drivers/pl011.c's own entry points, against a fake PL011 on the fake
 * MMIO bus (fake_mmio.h) that counts line or baud rate changes made while the UART is enabled.
 * Touches no hardware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/pl011.h"
#include "drivers/uart.h"
#include "lib/log.h"
#include "tests/unit/fake_mmio.h"
#include "tests/unit/uart_checks.h"

#define DEV_BASE 0x09000000u
#define DEV_SIZE 0x1000u
#define FOREVER FAKE_UART_FULL

#define DR 0x000
#define RSR 0x004
#define FR 0x018
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IMSC 0x038
#define FR_TXFF 0x20
#define FR_TXFE 0x80
#define CR_UARTEN 0x001

struct fake_pl011 {
	uint32_t ibrd, fbrd, lcr_h, cr, imsc;
	unsigned int full; /* FR reads left that show TXFF */
	unsigned int fr_reads, bad, changed_while_enabled;
	char sent[64];
	unsigned int nsent;
};

static struct fake_pl011 fake;

static uint32_t *reg_of(size_t off)
{
	switch (off) {
	case IBRD:
		return &fake.ibrd;
	case FBRD:
		return &fake.fbrd;
	case LCR_H:
		return &fake.lcr_h;
	case CR:
		return &fake.cr;
	case IMSC:
		return &fake.imsc;
	default:
		return NULL;
	}
}

static uint32_t fake_read(void *dev, size_t off, unsigned int width)
{
	uint32_t *r = reg_of(off);

	(void)dev;
	if (width != 4 || (!r && off != FR && off != DR && off != RSR)) {
		fake.bad++;
		return 0;
	}
	if (off == FR) {
		fake.fr_reads++;
		if (fake.full) {
			if (fake.full != FOREVER)
				fake.full--;
			return FR_TXFF;
		}
		return FR_TXFE;
	}
	return r ? *r : 0;
}

static void fake_write(void *dev, size_t off, unsigned int width, uint32_t val)
{
	uint32_t *r = reg_of(off);

	(void)dev;
	if (width != 4 || (!r && off != DR)) {
		fake.bad++;
		return;
	}
	if (off == DR) {
		if (val > 0xff)
			fake.bad++;
		else if (fake.nsent + 1 < sizeof(fake.sent))
			fake.sent[fake.nsent++] = (char)val;
		return;
	}
	if ((off == IBRD || off == FBRD || off == LCR_H) && (fake.cr & CR_UARTEN))
		fake.changed_while_enabled++;
	*r = val;
}

static void fake_set_full(void *dev, unsigned int reads)
{
	(void)dev;
	fake.full = reads;
}

static unsigned int fake_status_reads(void *dev)
{
	(void)dev;
	return fake.fr_reads;
}

static const char *fake_sent(void *dev)
{
	(void)dev;
	return fake.sent;
}

static const struct uart_tx_fake tx_fake = { fake_set_full, fake_status_reads, fake_sent, NULL };
static const struct fake_mmio_dev bus = { DEV_BASE, DEV_SIZE, fake_read, fake_write, NULL };

static void attach(void)
{
	memset(&fake, 0, sizeof(fake));
	fake_mmio_attach(&bus);
}

/* The firmware's set-up: 115200 8N1 from 24 MHz, enabled, no interrupts. */
static void firmware_setup(void)
{
	fake.ibrd = 13;
	fake.fbrd = 1;
	fake.lcr_h = 0x70;
	fake.imsc = 0;
	fake.cr = 0x301;
}

static void guest_setup(void)
{
	fake.ibrd = 1;
	fake.fbrd = 40;
	fake.lcr_h = 0x12;
	fake.imsc = 0x7f0;
	fake.cr = 0x381; /* with loopback */
}

static void assert_firmware_setup(void)
{
	assert_int_equal(fake.ibrd, 13);
	assert_int_equal(fake.fbrd, 1);
	assert_int_equal(fake.lcr_h, 0x70);
	assert_int_equal(fake.imsc, 0);
	assert_int_equal(fake.cr, 0x301);
}

static void test_pl011_tx(void **state)
{
	struct uart u = { .kind = UART_PL011, .base = DEV_BASE, .size = DEV_SIZE };
	struct log_console c;

	(void)state;
	attach();
	assert_true(uart_console_init(&u, &c));
	check_uart_tx(&c, &tx_fake);
	assert_int_equal(fake.bad, 0);
}

static void test_pl011_save_restore(void **state)
{
	struct uart u = { .kind = UART_PL011, .base = DEV_BASE, .size = DEV_SIZE };
	struct log_console c;

	(void)state;
	attach();
	assert_true(uart_console_init(&u, &c));
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	c.restore(c.ctx);
	assert_firmware_setup();
	assert_int_equal(fake.changed_while_enabled, 0);
	assert_int_equal(fake.bad, 0);
}

/* drivers/pl011.h's own entry points, by base address, keep the same contract. */
static void test_pl011_by_base(void **state)
{
	const struct log_console c = { pl011_try_putc, pl011_putc, pl011_save, pl011_restore,
				       DEV_BASE };

	(void)state;
	attach();
	check_uart_tx(&c, &tx_fake);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	c.restore(c.ctx);
	assert_firmware_setup();
	assert_int_equal(fake.changed_while_enabled, 0);
	assert_int_equal(fake.bad, 0);
}

/* PL011, Cadence and i.MX registers have one layout: a reg-shift or reg-io-width the DT gave
 * does not change it. */
static void test_fixed_layout_ignores_dt(void **state)
{
	struct uart u = { .kind = UART_PL011,
			  .base = DEV_BASE,
			  .size = DEV_SIZE,
			  .reg_shift = 2,
			  .io_width = 1 };
	struct log_console c;

	(void)state;
	attach();
	assert_true(uart_console_init(&u, &c));
	c.putc(c.ctx, 'a');
	assert_string_equal(fake.sent, "a");
	assert_int_equal(fake.bad, 0);
}

/* console->ctx points at a copy: the caller's struct may go away. */
static void test_ctx_is_a_copy(void **state)
{
	struct uart u = { .kind = UART_PL011, .base = DEV_BASE, .size = DEV_SIZE };
	const struct uart *kept;
	struct log_console c;

	(void)state;
	attach();
	assert_true(uart_console_init(&u, &c));
	kept = (const struct uart *)c.ctx;
	assert_ptr_not_equal(kept, &u);
	u.base = 0x1234;
	assert_int_equal(kept->kind, UART_PL011);
	assert_int_equal(kept->base, DEV_BASE);
	c.putc(c.ctx, 'z');
	assert_string_equal(fake.sent, "z");
}

/* Which kinds are taken; none of it touches a register (no fake is attached). */
static void test_what_is_taken(void **state)
{
	struct uart u = { UART_PL011, DEV_BASE, 0x3c, 0, 0 };

	(void)state;
	fake_mmio_attach(NULL);
	check_uart_taken(u, true);
	u.kind = UART_NONE;
	check_uart_taken(u, false);
	u.kind = UART_OTHER;
	check_uart_taken(u, false);
	u.kind = (enum uart_kind)99;
	check_uart_taken(u, false);
	/* every register the driver touches inside size: UARTIMSC for a PL011 */
	u.kind = UART_PL011;
	u.size = 0x3b;
	check_uart_taken(u, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pl011_tx),
		cmocka_unit_test(test_pl011_save_restore),
		cmocka_unit_test(test_pl011_by_base),
		cmocka_unit_test(test_fixed_layout_ignores_dt),
		cmocka_unit_test(test_ctx_is_a_copy),
		cmocka_unit_test(test_what_is_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
