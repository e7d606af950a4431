/*
 * test_uart_8250.c - host tests of drivers/uart_8250.c (through uart_console_init) against a
 * fake 16550 on the fake MMIO bus (fake_mmio.h): registers banked by LCR.DLAB, LSR's THRE and
 * TEMT under the test's control, the DW_apb_uart's habit of ignoring LCR writes while busy,
 * and the BCM2835 mini UART's AUX_MU_CNTL_REG. The fake decodes one register layout (spacing,
 * access width, reg-offset) and counts every access that does not fit it. Touches no hardware.
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

/* Where the fake's window starts: reg-offset bytes before its registers. */
#define DEV_BASE 0x10000000u
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define FOREVER FAKE_UART_FULL

struct fake_8250 {
	/* the layout the device decodes */
	unsigned int shift, width;
	size_t reg_offset;
	bool dw;  /* LCR writes ignored while busy (snps,dw-apb-uart) */
	bool bcm; /* AUX_MU_CNTL_REG at index 8 */
	/* registers */
	uint8_t ier, lcr, mcr, dll, dlm, cntl;
	/* LSR reads left that show no room (THRE clear), or transmitter busy (TEMT clear) */
	unsigned int full, busy;
	/* LCR writes ignored (for a dw-apb turning busy again), by number from 1; 0: none */
	unsigned int ignore_lcr_write, lcr_writes;
	/* what the driver did */
	unsigned int lsr_reads, bad, lcr_ignored, ier_writes;
	char sent[64];
	unsigned int nsent;
};

static struct fake_8250 fake;
static struct fake_mmio_dev bus;

static bool decode(size_t off, unsigned int width, unsigned int *reg)
{
	if (off < fake.reg_offset || width != fake.width ||
	    (off - fake.reg_offset) % (1u << fake.shift)) {
		fake.bad++;
		return false;
	}
	*reg = (unsigned int)((off - fake.reg_offset) >> fake.shift);
	if (*reg > 7 && !(fake.bcm && *reg == 8)) {
		fake.bad++;
		return false;
	}
	return true;
}

static bool count_down(unsigned int *left)
{
	if (!*left)
		return false;
	if (*left != FOREVER)
		(*left)--;
	return true;
}

static uint32_t fake_read(void *dev, size_t off, unsigned int width)
{
	bool dlab = fake.lcr & LCR_DLAB;
	unsigned int reg;
	uint32_t lsr;

	(void)dev;
	if (!decode(off, width, &reg))
		return 0;
	switch (reg) {
	case 0:
		return dlab ? fake.dll : 0; /* RBR: nothing received */
	case 1:
		return dlab ? fake.dlm : fake.ier;
	case 3:
		return fake.lcr;
	case 4:
		return fake.mcr;
	case 5:
		fake.lsr_reads++;
		lsr = LSR_THRE | LSR_TEMT;
		if (count_down(&fake.full))
			lsr = 0;
		if (count_down(&fake.busy))
			lsr &= ~LSR_TEMT;
		return lsr;
	case 8:
		return fake.cntl;
	default:
		return 0;
	}
}

static void fake_write(void *dev, size_t off, unsigned int width, uint32_t val)
{
	bool dlab = fake.lcr & LCR_DLAB;
	unsigned int reg;

	(void)dev;
	if (!decode(off, width, &reg))
		return;
	if (val > 0xff)
		fake.bad++;
	switch (reg) {
	case 0:
		if (dlab)
			fake.dll = (uint8_t)val;
		else if (fake.nsent + 1 < sizeof(fake.sent))
			fake.sent[fake.nsent++] = (char)val;
		break;
	case 1:
		if (dlab) {
			fake.dlm = (uint8_t)val;
		} else {
			fake.ier = (uint8_t)val;
			fake.ier_writes++;
		}
		break;
	case 3:
		if ((fake.dw && fake.busy) || ++fake.lcr_writes == fake.ignore_lcr_write)
			fake.lcr_ignored++;
		else
			fake.lcr = (uint8_t)val;
		break;
	case 4:
		fake.mcr = (uint8_t)val;
		break;
	case 8:
		fake.cntl = (uint8_t)val;
		break;
	default:
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
	return fake.lsr_reads;
}

static const char *fake_sent(void *dev)
{
	(void)dev;
	return fake.sent;
}

static const struct uart_tx_fake tx_fake = { fake_set_full, fake_status_reads, fake_sent, NULL };

/* A fake of this layout on the bus, and a console bound to it through a struct uart whose base
 * already includes reg_offset, as the platform code hands it over. */
static void bind(struct log_console *c, enum uart_kind kind, unsigned int shift, unsigned int width,
		 size_t reg_offset)
{
	struct uart u = { .kind = kind,
			  .base = DEV_BASE + reg_offset,
			  .size = 0x100,
			  .reg_shift = (uint8_t)shift,
			  .io_width = (uint8_t)width };

	memset(&fake, 0, sizeof(fake));
	fake.shift = shift;
	fake.width = width;
	fake.reg_offset = reg_offset;
	fake.bcm = kind == UART_BCM_AUX;
	bus = (struct fake_mmio_dev){ DEV_BASE, reg_offset + 0x100, fake_read, fake_write, NULL };
	fake_mmio_attach(&bus);
	assert_true(uart_console_init(&u, c));
}

/* The firmware's set-up: 8N1, divisor 0x0d (115200 baud from 24 MHz), DTR/RTS, no interrupts. */
static void firmware_setup(void)
{
	fake.lcr = 0x03;
	fake.dll = 0x0d;
	fake.dlm = 0x00;
	fake.ier = 0x00;
	fake.mcr = 0x03;
	fake.cntl = 0x03;
}

/* A guest's set-up: 7E1 at another divisor, every interrupt on, loopback, transmitter off. */
static void guest_setup(void)
{
	fake.lcr = 0x1a;
	fake.dll = 0x01;
	fake.dlm = 0x02;
	fake.ier = 0x0f;
	fake.mcr = 0x13;
	fake.cntl = 0x00;
}

static void assert_firmware_setup(void)
{
	assert_int_equal(fake.lcr, 0x03);
	assert_int_equal(fake.dll, 0x0d);
	assert_int_equal(fake.dlm, 0x00);
	assert_int_equal(fake.ier, 0x00);
	assert_int_equal(fake.mcr, 0x03);
}

/* Each layout: characters land in THR, at the right spacing and width, past reg-offset. */
static void test_tx_layouts(void **state)
{
	static const struct {
		unsigned int shift, width;
		size_t reg_offset;
	} layouts[] = {
		{ 0, 1, 0 },	/* ns16550a */
		{ 2, 1, 0 },	/* TI OMAP/K3: 8250_omap's implied spacing */
		{ 2, 4, 0 },	/* snps,dw-apb-uart: reg-shift 2, reg-io-width 4 */
		{ 2, 4, 0x40 }, /* the same behind a reg-offset */
		{ 0, 1, 0x10 },
	};
	struct log_console c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		bind(&c, UART_8250, layouts[i].shift, layouts[i].width, layouts[i].reg_offset);
		check_uart_tx(&c, &tx_fake);
		assert_int_equal(fake.bad, 0);
	}
}

static void test_tx_bcm_aux(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_BCM_AUX, 2, 4, 0);
	check_uart_tx(&c, &tx_fake);
	assert_int_equal(fake.bad, 0);
}

/* A layout other than the device's is caught by the fake: the checks above mean something. */
static void test_fake_catches_wrong_layout(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	fake.width = 1;
	c.putc(c.ctx, 'a');
	assert_true(fake.bad > 0);
	assert_int_equal(fake.nsent, 0);
}

static void test_save_restore(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 0, 1, 0);
	firmware_setup();
	c.save(c.ctx);
	assert_firmware_setup();
	guest_setup();
	c.restore(c.ctx);
	assert_firmware_setup();
	assert_int_equal(fake.nsent, 0); /* no divisor byte went out as a character */
	assert_int_equal(fake.bad, 0);
}

/* dw-apb: LCR writes while busy are lost; the driver waits for TEMT before each one. */
static void test_save_restore_dw_busy(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	fake.dw = true;
	firmware_setup();
	fake.busy = 40;
	c.save(c.ctx);
	assert_firmware_setup();
	guest_setup();
	fake.busy = 40;
	c.restore(c.ctx);
	assert_firmware_setup();
	assert_int_equal(fake.lcr_ignored, 0);
	assert_int_equal(fake.nsent, 0);
	assert_int_equal(fake.bad, 0);
}

/* A transmitter that never drains (a guest's flow control holds it): restore gives up after
 * bounded polls and writes nothing that DLAB would send to the wrong register. */
static void test_restore_never_idle(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	fake.dw = true;
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	fake.busy = FOREVER;
	c.restore(c.ctx);
	assert_int_equal(fake.mcr, 0x03); /* modem control (flow control, loopback) is back */
	assert_int_equal(fake.lcr, 0x1a);
	assert_int_equal(fake.dll, 0x01);
	assert_int_equal(fake.dlm, 0x02);
	assert_int_equal(fake.ier, 0x0f);
	assert_int_equal(fake.nsent, 0);
}

/* save could not reach the divisor: restore puts the rest back but not a divisor it never read. */
static void test_restore_skips_unread_divisor(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	fake.dw = true;
	firmware_setup();
	fake.busy = FOREVER;
	c.save(c.ctx);
	assert_int_equal(fake.lcr, 0x03);
	fake.busy = 0;
	guest_setup();
	fake.ier_writes = 0;
	c.restore(c.ctx);
	assert_int_equal(fake.dll, 0x01);
	assert_int_equal(fake.dlm, 0x02);
	assert_int_equal(fake.lcr, 0x03);
	assert_int_equal(fake.ier, 0x00);
	assert_int_equal(fake.mcr, 0x03);
	assert_int_equal(fake.nsent, 0);
	assert_int_equal(fake.ier_writes, 1); /* no divisor byte went into IER */
}

/* The same with the firmware's DLAB left set: save still cannot vouch for the divisor, and
 * restore still does not write one. */
static void test_restore_skips_unread_divisor_dlab_set(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	fake.dw = true;
	firmware_setup();
	fake.lcr |= LCR_DLAB;
	fake.busy = FOREVER;
	c.save(c.ctx);
	fake.busy = 0;
	guest_setup();
	c.restore(c.ctx);
	assert_int_equal(fake.dll, 0x01);
	assert_int_equal(fake.dlm, 0x02);
	assert_int_equal(fake.nsent, 0);
}

/* A dw-apb that turns busy again and drops the LCR write that clears DLAB: restore leaves IER
 * alone rather than write it into DLM. */
static void test_restore_dlab_stuck(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	firmware_setup();
	fake.ier = 0x05;
	c.save(c.ctx);
	guest_setup();
	fake.lcr_writes = 0;
	fake.ignore_lcr_write = 2; /* restore's second: LCR as saved, DLAB clear */
	c.restore(c.ctx);
	assert_int_equal(fake.lcr_ignored, 1);
	assert_true(fake.lcr & LCR_DLAB);
	assert_int_equal(fake.dll, 0x0d);
	assert_int_equal(fake.dlm, 0x00);
	assert_int_equal(fake.ier, 0x0f); /* the guest's, untouched */
	assert_int_equal(fake.nsent, 0);
}

/* A console that got stuck on a full FIFO is not stuck once bound again. */
static void test_rebind_unsticks(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 0, 1, 0);
	fake.full = FOREVER;
	c.putc(c.ctx, 'a');
	assert_int_equal(fake.nsent, 0);
	bind(&c, UART_8250, 0, 1, 0);
	fake.full = 1;
	c.putc(c.ctx, 'b');
	assert_string_equal(fake.sent, "b");
}

static void test_save_restore_bcm_aux(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_BCM_AUX, 2, 4, 0);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	c.restore(c.ctx);
	assert_firmware_setup();
	assert_int_equal(fake.cntl, 0x03); /* transmitter and receiver enabled again */
	assert_int_equal(fake.nsent, 0);
	assert_int_equal(fake.bad, 0);
}

/* A plain 16550 has no register 8: only the mini UART's driver touches it. */
static void test_16550_has_no_cntl(void **state)
{
	struct log_console c;

	(void)state;
	bind(&c, UART_8250, 2, 4, 0);
	firmware_setup();
	c.save(c.ctx);
	guest_setup();
	c.restore(c.ctx);
	assert_int_equal(fake.bad, 0);
	assert_int_equal(fake.cntl, 0x00);
}

/* The layouts taken: 8-bit or 32-bit accesses, each within its register's slot, every register
 * the driver touches (LSR, index 5; the mini UART's AUX_MU_CNTL_REG, index 8) inside size.
 * None of it touches a register (no fake is attached). */
static void test_layouts_taken(void **state)
{
	const struct uart ns16550 = { UART_8250, DEV_BASE, 0x100, 0, 1 };
	struct uart u = ns16550;

	(void)state;
	fake_mmio_attach(NULL);
	check_uart_taken(u, true);
	u.io_width = 2;
	check_uart_taken(u, false);
	u.io_width = 0;
	check_uart_taken(u, false);
	u.io_width = 4; /* 32-bit accesses 1 byte apart */
	check_uart_taken(u, false);
	u.reg_shift = 1;
	check_uart_taken(u, false);
	u.io_width = 2; /* 16-bit accesses: none of the widths skiff makes */
	check_uart_taken(u, false);
	u.io_width = 4;
	u.reg_shift = 2;
	check_uart_taken(u, true);
	u.reg_shift = 3;
	check_uart_taken(u, true);
	u.reg_shift = 4;
	check_uart_taken(u, false);
	u.reg_shift = 200;
	check_uart_taken(u, false);

	u = ns16550;
	u.size = 5;
	check_uart_taken(u, false);
	u.size = 6;
	check_uart_taken(u, true);
	u.reg_shift = 2;
	u.io_width = 4;
	u.size = 0x17;
	check_uart_taken(u, false);
	u.size = 0x18;
	check_uart_taken(u, true);
	u.kind = UART_BCM_AUX;
	check_uart_taken(u, false);
	u.size = 0x24;
	check_uart_taken(u, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_layouts),
		cmocka_unit_test(test_tx_bcm_aux),
		cmocka_unit_test(test_fake_catches_wrong_layout),
		cmocka_unit_test(test_save_restore),
		cmocka_unit_test(test_save_restore_dw_busy),
		cmocka_unit_test(test_restore_never_idle),
		cmocka_unit_test(test_restore_skips_unread_divisor),
		cmocka_unit_test(test_restore_skips_unread_divisor_dlab_set),
		cmocka_unit_test(test_restore_dlab_stuck),
		cmocka_unit_test(test_rebind_unsticks),
		cmocka_unit_test(test_save_restore_bcm_aux),
		cmocka_unit_test(test_16550_has_no_cntl),
		cmocka_unit_test(test_layouts_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
