/*
 * uart_port.h - what the UART drivers share: the port a console drives (the copy of struct
 * uart that log_console.ctx points at, with what its driver keeps), a driver's description
 * (struct uart_ops: where characters go, and its save and restore as tables of steps), and
 * register access scaled by reg_shift and io_width. For the UART drivers only (uart_console.c,
 * uart_8250.c, uart_cdns.c, uart_imx.c, pl011.c).
 */
#ifndef SKIFF_DRIVERS_UART_PORT_H
#define SKIFF_DRIVERS_UART_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/uart.h"

/* Polls of a full transmitter before a character is dropped: a UART a guest disabled never
 * drains, and skiff must not wait for it for ever (a few milliseconds, a character's time at
 * 9600 baud; the same bound as pl011.c). Once one was dropped, the next ones are only sent if
 * there is room at once, until the UART takes one again. */
#define UART_PUTC_MAX_POLLS 20000u
/* Polls of a UART_WAIT step (a transmitter draining before a register that must not change
 * mid-character is written, a reset ending): a full 64-byte FIFO at 9600 baud takes ~70 ms. */
#define UART_WAIT_MAX_POLLS (1u << 20)
#define UART_SAVED_MAX 8

enum uart_op { UART_OP_END, UART_OP_SAVE, UART_OP_PUT, UART_OP_WAIT };

/*
 * One step of a driver's save or restore, run in order by uart_run() up to UART_END. Values
 * are 16 bits wide (every register saved fits):
 *   SAVE: saved[slot] = (register & keep) | set
 *   PUT:  register = (saved[slot] & keep) | set
 *   WAIT: poll the register until (value & keep) == set; after UART_WAIT_MAX_POLLS polls,
 *         skip the next `skip` steps instead (the writes the wait was for).
 */
struct uart_step {
	uint8_t reg;
	uint8_t op : 2, slot : 3, skip : 3;
	uint16_t keep, set;
};

#define UART_SAVE(reg, slot)                          \
	{                                             \
		reg, UART_OP_SAVE, slot, 0, 0xffff, 0 \
	}
#define UART_SAVE_BITS(reg, slot, keep, set)          \
	{                                             \
		reg, UART_OP_SAVE, slot, 0, keep, set \
	}
#define UART_PUT(reg, slot)                          \
	{                                            \
		reg, UART_OP_PUT, slot, 0, 0xffff, 0 \
	}
#define UART_PUT_BITS(reg, slot, keep, set)          \
	{                                            \
		reg, UART_OP_PUT, slot, 0, keep, set \
	}
#define UART_PUT_VALUE(reg, value)               \
	{                                        \
		reg, UART_OP_PUT, 0, 0, 0, value \
	}
#define UART_WAIT(reg, mask, value, skip)               \
	{                                               \
		reg, UART_OP_WAIT, 0, skip, mask, value \
	}
#define UART_END                           \
	{                                  \
		0, UART_OP_END, 0, 0, 0, 0 \
	}

/* One driver. Registers are indices: register i is at base + (i << reg_shift); the drivers of
 * fixed layouts (not dt_layout) run with reg_shift 0 and io_width 4, so their indices are byte
 * offsets. The transmitter has no room when (status & full_mask) == full_value. */
struct uart_ops {
	uint8_t data;	/* where a character to send is written */
	uint8_t status; /* where room in the transmitter shows */
	uint8_t full_mask;
	uint8_t full_value;
	uint8_t last;	/* the highest register the driver touches */
	bool dt_layout; /* reg_shift and io_width come from the DT (8250s) */
	/* start: run once, before skiff's first character (NULL: nothing to do); save and
	 * restore: around the time a guest owns the UART */
	const struct uart_step *start, *save, *restore;
};

struct uart_port {
	struct uart u; /* first: log_console.ctx points here */
	const struct uart_ops *ops;
	bool stuck;   /* a character was dropped: wait for room no more until one goes */
	bool started; /* ops->start has run */
	uint32_t saved[UART_SAVED_MAX];
};

uint32_t uart_read(const struct uart_port *p, unsigned int reg);
void uart_write(const struct uart_port *p, unsigned int reg, uint32_t val);
void uart_run(struct uart_port *p, const struct uart_step *step);

#endif
