/*
 * uart_console.c - binds a UART (drivers/uart.h) to skiff's console (lib/log.h): keeps the one
 * port the console drives, picks its driver by kind, and sends characters the same way for
 * every kind: try_putc only when there is room at once, putc after a bounded wait for room
 * (UART_PUTC_MAX_POLLS); save and restore run the driver's steps. Touches the registers of the
 * port it keeps, nothing else.
 */
#include "drivers/uart.h"
#include "drivers/uart_port.h"
#include "drivers/pl011.h"
#include "drivers/uart_8250.h"
#include "drivers/uart_cdns.h"
#include "drivers/uart_imx.h"
#include "lib/log.h"

static struct uart_port port;

static const struct uart_ops *const uart_drivers[UART_OTHER] = {
	[UART_PL011] = &uart_pl011_ops,	    [UART_8250] = &uart_8250_ops,
	[UART_CDNS] = &uart_cdns_ops,	    [UART_IMX] = &uart_imx_ops,
	[UART_BCM_AUX] = &uart_bcm_aux_ops,
};

static bool uart_try_putc(uintptr_t ctx, char c)
{
	struct uart_port *p = (struct uart_port *)ctx;
	const struct uart_ops *ops = p->ops;

	if (!p->started) {
		p->started = true;
		if (ops->start)
			uart_run(p, ops->start);
	}

	if ((uart_read(p, ops->status) & ops->full_mask) == ops->full_value)
		return false;
	p->stuck = false;
	uart_write(p, ops->data, (uint8_t)c);
	return true;
}

static void uart_putc(uintptr_t ctx, char c)
{
	struct uart_port *p = (struct uart_port *)ctx;
	unsigned int polls = 0;

	while (!uart_try_putc(ctx, c)) {
		if (p->stuck || ++polls == UART_PUTC_MAX_POLLS) {
			p->stuck = true;
			return;
		}
	}
}

static void uart_save(uintptr_t ctx)
{
	uart_run((struct uart_port *)ctx, ((struct uart_port *)ctx)->ops->save);
}

static void uart_restore(uintptr_t ctx)
{
	uart_run((struct uart_port *)ctx, ((struct uart_port *)ctx)->ops->restore);
}

bool uart_console_init(const struct uart *u, struct log_console *console)
{
	const struct uart_ops *ops = (unsigned int)u->kind < UART_OTHER ? uart_drivers[u->kind] : 0;
	unsigned int shift = 0, width = 4;

	if (!ops)
		return false;
	if (ops->dt_layout) {
		shift = u->reg_shift;
		width = u->io_width;
		/* 8-bit or 32-bit accesses, each within its register's slot */
		if ((width != 1 && width != 4) || shift > 3 || width > 1u << shift)
			return false;
	}
	if (((uint64_t)ops->last << shift) + width > u->size)
		return false;
	port.u = *u;
	port.u.reg_shift = (uint8_t)shift;
	port.u.io_width = (uint8_t)width;
	port.ops = ops;
	port.stuck = false;
	port.started = false;
	console->try_putc = uart_try_putc;
	console->putc = uart_putc;
	console->save = uart_save;
	console->restore = uart_restore;
	console->ctx = (uintptr_t)&port;
	return true;
}
