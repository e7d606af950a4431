/*
 * vconsole.c - the virtual console's registers (vconsole.h) and its line buffer. Touches only
 * its own state and the log.
 */
#include "hyp/emul/vconsole.h"
#include "lib/log.h"
#include "hyp/emul/mmio.h"

static void flush_line(struct vconsole *c)
{
	if (c->len)
		log_guest_console(c->guest, c->line, c->len);
	c->len = 0;
}

static void put_char(struct vconsole *c, char ch)
{
	if (ch == '\r')
		return;
	if (ch == '\n') {
		flush_line(c);
		return;
	}
	if ((ch < 0x20 || ch > 0x7e) && ch != '\t')
		ch = '?';
	c->line[c->len++] = ch;
	if (c->len == VCONSOLE_LINE_MAX)
		flush_line(c);
}

static int vconsole_read(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			 uint64_t *val)
{
	(void)ctx;
	(void)v;
	(void)width;
	*val = offset == VCONSOLE_UARTFR ? VCONSOLE_UARTFR_TXFE | VCONSOLE_UARTFR_RXFE : 0;
	return MMIO_OK;
}

static int vconsole_write(void *ctx, struct vcpu *v, uint64_t offset, unsigned int width,
			  uint64_t val)
{
	struct vconsole *c = ctx;

	(void)v;
	(void)width;
	if (offset != VCONSOLE_UARTDR)
		return MMIO_OK;
	spin_lock(&c->lock);
	put_char(c, (char)(val & 0xff));
	spin_unlock(&c->lock);
	return MMIO_OK;
}

int vconsole_attach(struct vconsole *c, struct mmio_bus *bus, int guest, uint64_t base)
{
	struct mmio_region r = {
		.base = base,
		.size = VCONSOLE_SIZE,
		.name = "vconsole",
		.ctx = c,
		.read = vconsole_read,
		.write = vconsole_write,
	};

	c->guest = guest;
	c->len = 0;
	return mmio_add(bus, &r) ? 0 : -1;
}

void vconsole_reset(struct vconsole *c)
{
	spin_lock(&c->lock);
	flush_line(c);
	spin_unlock(&c->lock);
}
