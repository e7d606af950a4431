/*
 * test_uart_imx.c - host tests of drivers/uart_imx.c (through uart_console_init) against a
 * fake i.MX UART on the fake MMIO bus (fake_mmio.h): 32-bit registers at the imx21 layout's
 * offsets, UTS.TXFULL under the test's control, and a count of what the reference manual
 * forbids or skiff's driver promises not to do: a write of UCR2 with SRST clear (a reset),
 * UBMR written without UBIR before it, the clock divider or modulator changed while the
 * receiver or transmitter is enabled. Touches no hardware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/uart.h"
#include "lib/log.h"
#include "tests/unit/fake_mmio.h"
#include "tests/unit/uart_checks.h"

#define DEV_BASE 0x30890000u
#define DEV_SIZE 0x10000u
#define FOREVER FAKE_UART_FULL

#define URXD 0x00
#define UTXD 0x40
#define UCR1 0x80
#define UCR2 0x84
#define UCR3 0x88
#define UCR4 0x8c
#define UFCR 0x90
#define USR1 0x94
#define USR2 0x98
#define UBIR 0xa4
#define UBMR 0xa8
#define UTS 0xb4

#define UCR2_SRST 0x0001
#define UCR2_RXEN 0x0002
#define UCR2_TXEN 0x0004
#define UTS_TXFULL 0x0010
#define UTS_TXEMPTY 0x0040
#define UTS_LOOP 0x1000

enum { R_UCR1, R_UCR2, R_UCR3, R_UCR4, R_UFCR, R_UBIR, R_UBMR, R_UTS, R_N };

struct fake_imx {
	uint32_t reg[R_N];
	unsigned int full; /* UTS reads left that show TXFULL */
	bool ubir_written; /* since the last UBMR write */
	unsigned int uts_reads, bad, resets, ubmr_without_ubir, changed_while_enabled;
	int last; /* the register written last */
	char sent[64];
	unsigned int nsent;
};

static struct fake_imx fake;

static int index_of(size_t off)
{
	static const size_t offs[R_N] = { UCR1, UCR2, UCR3, UCR4, UFCR, UBIR, UBMR, UTS };
	int i;

	for (i = 0; i < R_N; i++)
		if (offs[i] == off)
			return i;
	return -1;
}

static uint32_t fake_read(void *dev, size_t off, unsigned int width)
{
	int i = index_of(off);

	(void)dev;
	if (width != 4 || (i < 0 && off != URXD && off != USR1 && off != USR2)) {
		fake.bad++;
		return 0;
	}
	if (i == R_UTS) {
		fake.uts_reads++;
		if (fake.full) {
			if (fake.full != FOREVER)
				fake.full--;
			return fake.reg[R_UTS] | UTS_TXFULL;
		}
		return fake.reg[R_UTS] | UTS_TXEMPTY;
	}
	return i < 0 ? 0 : fake.reg[i];
}

static void fake_write(void *dev, size_t off, unsigned int width, uint32_t val)
{
	int i = index_of(off);

	(void)dev;
	if (width != 4 || val > 0xffff || (i < 0 && off != UTXD)) {
		fake.bad++;
		return;
	}
	if (off == UTXD) {
		if (val > 0xff)
			fake.bad++;
		else if (fake.nsent + 1 < sizeof(fake.sent))
			fake.sent[fake.nsent++] = (char)val;
		return;
	}
	if ((i == R_UFCR || i == R_UBIR || i == R_UBMR) &&
	    (fake.reg[R_UCR2] & (UCR2_TXEN | UCR2_RXEN)))
		fake.changed_while_enabled++;
	if (i == R_UCR2 && !(val & UCR2_SRST))
		fake.resets++;
	if (i == R_UBIR)
		fake.ubir_written = true;
	if (i == R_UBMR) {
		if (!fake.ubir_written)
			fake.ubmr_without_ubir++;
		fake.ubir_written = false;
	}
	if (i == R_UTS)
		val &= ~(uint32_t)(UTS_TXFULL | UTS_TXEMPTY); /* status bits are read-only */
	fake.reg[i] = val;
	fake.last = i;
}

static void fake_set_full(void *dev, unsigned int reads)
{
	(void)dev;
	fake.full = reads;
}

static unsigned int fake_status_reads(void *dev)
{
	(void)dev;
	return fake.uts_reads;
}

static const char *fake_sent(void *dev)
{
	(void)dev;
	return fake.sent;
}

static const struct uart_tx_fake tx_fake = { fake_set_full, fake_status_reads, fake_sent, NULL };
static const struct fake_mmio_dev bus = { DEV_BASE, DEV_SIZE, fake_read, fake_write, NULL };

static void bind(struct log_console *c)
{
	struct uart u = { .kind = UART_IMX, .base = DEV_BASE, .size = DEV_SIZE };

	memset(&fake, 0, sizeof(fake));
	fake_mmio_attach(&bus);
	assert_true(uart_console_init(&u, c));
}

/* The firmware's set-up (U-Boot's on an i.MX8MM: 115200 8N1 from 24 MHz). */
static const uint32_t firmware[R_N] = {
	[R_UCR1] = 0x0001, [R_UCR2] = 0x4027, [R_UCR3] = 0x0704, [R_UCR4] = 0x8000,
	[R_UFCR] = 0x0a81, [R_UBIR] = 0x000f, [R_UBMR] = 0x0015, [R_UTS] = 0x0000,
};

/* A guest's: transmitter off, interrupts on, another divider and modulator, loopback. */
static const uint32_t guest[R_N] = {
	[R_UCR1] = 0x2201, [R_UCR2] = 0x4023, [R_UCR3] = 0x0784, [R_UCR4] = 0x8009,
	[R_UFCR] = 0x0901, [R_UBIR] = 0x0003, [R_UBMR] = 0x00c3, [R_UTS] = UTS_LOOP,
};

static void test_tx(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	memcpy(fake.reg, firmware, sizeof(firmware));
	check_uart_tx(&c, &tx_fake);
	assert_int_equal(fake.bad, 0);
}

static void test_save_restore(void **state)
{
	struct log_console c;
	int i;

	(void)state;
	bind(&c);
	memcpy(fake.reg, firmware, sizeof(firmware));
	c.save(c.ctx);
	memcpy(fake.reg, guest, sizeof(guest));
	fake.ubir_written = false;
	c.restore(c.ctx);
	for (i = 0; i < R_N; i++)
		assert_int_equal(fake.reg[i], firmware[i]);
	assert_int_equal(fake.resets, 0);
	assert_int_equal(fake.ubmr_without_ubir, 0);
	assert_int_equal(fake.changed_while_enabled, 0);
	assert_int_equal(fake.nsent, 0);
	assert_int_equal(fake.bad, 0);
	assert_int_equal(fake.last, R_UCR1); /* UARTEN last, with the enables back in UCR2 */
}

/* Taken when every register the driver touches, up to UTS (0xb4), is inside size; a reg-shift
 * or reg-io-width from the DT does not matter (one layout). No register is touched. */
static void test_what_is_taken(void **state)
{
	struct uart u = { UART_IMX, DEV_BASE, 0xb8, 2, 1 };

	(void)state;
	fake_mmio_attach(NULL);
	check_uart_taken(u, true);
	u.size = 0xb8 - 1;
	check_uart_taken(u, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx),
		cmocka_unit_test(test_what_is_taken),
		cmocka_unit_test(test_save_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
