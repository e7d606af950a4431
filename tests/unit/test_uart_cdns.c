/*
 * test_uart_cdns.c - host tests of drivers/uart_cdns.c (through uart_console_init) against a
 * fake Cadence UART on the fake MMIO bus (fake_mmio.h): 32-bit registers at their UG1085
 * offsets, the TX FIFO full bit under the test's control, interrupt mask set and cleared
 * through IER/IDR, reset bits that clear themselves after a few reads, and a count of mode or
 * baud rate changes made while the receiver or transmitter was enabled. Touches no hardware.
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

#define DEV_BASE 0xff000000u
#define DEV_SIZE 0x1000u
#define FOREVER FAKE_UART_FULL

#define CR 0x00
#define MR 0x04
#define IER 0x08
#define IDR 0x0c
#define IMR 0x10
#define ISR 0x14
#define BAUDGEN 0x18
#define MODEMCR 0x24
#define SR 0x2c
#define FIFO 0x30
#define BAUDDIV 0x34

#define CR_RXRST 0x001
#define CR_TXRST 0x002
#define CR_RX_EN 0x004
#define CR_RX_DIS 0x008
#define CR_TX_EN 0x010
#define CR_TX_DIS 0x020
#define CR_STPBRK 0x100
#define CR_RESETS (CR_RXRST | CR_TXRST)
#define SR_TXEMPTY 0x08
#define SR_TXFULL 0x10

struct fake_cdns {
	uint32_t cr, mr, imr, baudgen, bauddiv, modemcr;
	unsigned int full;	   /* SR reads left that show TXFULL */
	unsigned int reset_reads;  /* CR reads left that still show a reset in progress */
	unsigned int reset_length; /* ... set by each reset */
	unsigned int sr_reads, bad, resets, changed_while_enabled;
	char sent[64];
	unsigned int nsent;
};

static struct fake_cdns fake;

static bool count_down(unsigned int *left)
{
	if (!*left)
		return false;
	if (*left != FOREVER)
		(*left)--;
	return true;
}

static bool enabled(void)
{
	bool tx = (fake.cr & CR_TX_EN) && !(fake.cr & CR_TX_DIS);
	bool rx = (fake.cr & CR_RX_EN) && !(fake.cr & CR_RX_DIS);

	return tx || rx;
}

static uint32_t fake_read(void *dev, size_t off, unsigned int width)
{
	(void)dev;
	if (width != 4 || off % 4) {
		fake.bad++;
		return 0;
	}
	switch (off) {
	case CR:
		if ((fake.cr & CR_RESETS) && !count_down(&fake.reset_reads))
			fake.cr &= ~CR_RESETS;
		return fake.cr;
	case MR:
		return fake.mr;
	case IMR:
		return fake.imr;
	case BAUDGEN:
		return fake.baudgen;
	case BAUDDIV:
		return fake.bauddiv;
	case MODEMCR:
		return fake.modemcr;
	case SR:
		fake.sr_reads++;
		return count_down(&fake.full) ? SR_TXFULL : SR_TXEMPTY;
	case ISR:
	case FIFO:
		return 0;
	default: /* IER and IDR are write-only */
		fake.bad++;
		return 0;
	}
}

static void fake_write(void *dev, size_t off, unsigned int width, uint32_t val)
{
	(void)dev;
	if (width != 4 || off % 4) {
		fake.bad++;
		return;
	}
	switch (off) {
	case CR:
		fake.cr = val;
		if (val & CR_RESETS) {
			fake.resets++;
			fake.reset_reads = fake.reset_length;
		}
		break;
	case MR:
	case BAUDGEN:
	case BAUDDIV:
		if (enabled())
			fake.changed_while_enabled++;
		*(off == MR ? &fake.mr : off == BAUDGEN ? &fake.baudgen : &fake.bauddiv) = val;
		break;
	case IER:
		fake.imr |= val;
		break;
	case IDR:
		fake.imr &= ~val;
		break;
	case MODEMCR:
		fake.modemcr = val;
		break;
	case FIFO:
		if (val > 0xff)
			fake.bad++;
		else if (fake.nsent + 1 < sizeof(fake.sent))
			fake.sent[fake.nsent++] = (char)val;
		break;
	default: /* IMR and SR are read-only */
		fake.bad++;
		break;
	}
}

static void fake_set_full(void *dev, unsigned int reads)
{
	(void)dev;
	fake.full = reads;
}

static unsigned int fake_status_reads(void *dev)
{
	(void)dev;
	return fake.sr_reads;
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
	struct uart u = { .kind = UART_CDNS, .base = DEV_BASE, .size = DEV_SIZE };

	memset(&fake, 0, sizeof(fake));
	fake.reset_length = 3;
	fake_mmio_attach(&bus);
	assert_true(uart_console_init(&u, c));
}

/* The firmware's set-up: enabled, 8N1, 115200 baud from 100 MHz (CD 0x7c, BDIV 6). */
static void firmware_setup(void)
{
	fake.cr = CR_TX_EN | CR_RX_EN | CR_STPBRK;
	fake.mr = 0x20;
	fake.imr = 0;
	fake.baudgen = 0x7c;
	fake.bauddiv = 6;
	fake.modemcr = 0;
}

/* A guest's: enabled, remote loopback, another baud rate, every interrupt, flow control. */
static void guest_setup(void)
{
	fake.cr = CR_TX_EN | CR_RX_EN;
	fake.mr = 0x320;
	fake.imr = 0x1fff;
	fake.baudgen = 0x11;
	fake.bauddiv = 4;
	fake.modemcr = 0x20;
}

static void test_tx(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	check_uart_tx(&c, &tx_fake);
	assert_int_equal(fake.bad, 0);
}

/* Before skiff's first character the transmitter goes on (QEMU's zcu102 resets CR to 0x128:
 * both paths disabled), the receiver left as it was; once only. */
static void test_start_enables_tx(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	fake.cr = CR_STPBRK | CR_TX_DIS | CR_RX_DIS;
	c.putc(c.ctx, 'A');
	assert_int_equal(fake.cr & (CR_TX_EN | CR_TX_DIS | CR_RX_EN | CR_RX_DIS),
			 CR_TX_EN | CR_RX_DIS);
	assert_int_equal(fake.resets, 0);
	assert_string_equal(fake.sent, "A");
	fake.cr = CR_TX_DIS; /* what a guest might leave: skiff does not turn it on again */
	c.putc(c.ctx, 'B');
	assert_int_equal(fake.cr, CR_TX_DIS);

	bind(&c);
	firmware_setup();
	c.putc(c.ctx, 'C');
	assert_int_equal(fake.cr & (CR_TX_EN | CR_TX_DIS | CR_RX_EN | CR_RX_DIS),
			 CR_TX_EN | CR_RX_EN);
	assert_int_equal(fake.bad, 0);
}

static void test_save_restore(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	c.restore(c.ctx);
	assert_int_equal(fake.cr, CR_TX_EN | CR_RX_EN); /* no reset or break bit left set */
	assert_int_equal(fake.mr, 0x20);
	assert_int_equal(fake.imr, 0);
	assert_int_equal(fake.baudgen, 0x7c);
	assert_int_equal(fake.bauddiv, 6);
	assert_int_equal(fake.modemcr, 0);
	assert_int_equal(fake.changed_while_enabled, 0);
	assert_int_equal(fake.resets, 1);
	assert_int_equal(fake.reset_reads, 0); /* the reset was waited for */
	assert_int_equal(fake.nsent, 0);
	assert_int_equal(fake.bad, 0);

	/* saved in the middle of a reset: restore's own reset is the only one */
	firmware_setup();
	fake.cr |= CR_RESETS;
	fake.reset_reads = FOREVER;
	c.save(c.ctx);
	fake.reset_reads = 0;
	fake.resets = 0;
	guest_setup();
	c.restore(c.ctx);
	assert_int_equal(fake.resets, 1);
	assert_false(fake.cr & CR_RESETS);
}

/* A guest that disabled both paths: they are enabled again. */
static void test_restore_enables(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	fake.cr = CR_TX_DIS | CR_RX_DIS;
	c.restore(c.ctx);
	assert_int_equal(fake.cr, CR_TX_EN | CR_RX_EN);
	assert_int_equal(fake.baudgen, 0x7c);
	assert_int_equal(fake.changed_while_enabled, 0);
}

static void test_restore_interrupt_mask(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	firmware_setup();
	fake.imr = 0x0101;
	c.save(c.ctx);
	guest_setup();
	fake.imr = 0x0ef0;
	c.restore(c.ctx);
	assert_int_equal(fake.imr, 0x0101);
}

/* A reset that never ends: restore still ends, with the paths enabled as they were. */
static void test_restore_reset_never_ends(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	fake.reset_length = FOREVER;
	c.restore(c.ctx);
	assert_int_equal(fake.cr, CR_TX_EN | CR_RX_EN);
	assert_int_equal(fake.changed_while_enabled, 0);
}

/* Taken when every register the driver touches, up to BAUDDIV (0x34), is inside size; a reg-shift
 * or reg-io-width from the DT does not matter (one layout). No register is touched. */
static void test_what_is_taken(void **state)
{
	struct uart u = { UART_CDNS, DEV_BASE, 0x38, 2, 1 };

	(void)state;
	fake_mmio_attach(NULL);
	check_uart_taken(u, true);
	u.size = 0x38 - 1;
	check_uart_taken(u, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx),
		cmocka_unit_test(test_start_enables_tx),
		cmocka_unit_test(test_what_is_taken),
		cmocka_unit_test(test_save_restore),
		cmocka_unit_test(test_restore_enables),
		cmocka_unit_test(test_restore_interrupt_mask),
		cmocka_unit_test(test_restore_reset_never_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
