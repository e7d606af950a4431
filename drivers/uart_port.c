/*
 * uart_port.c - register access for the UART drivers (register i of a port at
 * base + (i << reg_shift), read and written 8 or 32 bits at a time as io_width says) and the
 * runner of their save and restore steps. Touches only the port's registers.
 */
#include "drivers/uart_port.h"
#include "drivers/mmio.h"

static uintptr_t uart_addr(const struct uart_port *p, unsigned int reg)
{
	return (uintptr_t)p->u.base + ((uintptr_t)reg << p->u.reg_shift);
}

uint32_t uart_read(const struct uart_port *p, unsigned int reg)
{
	if (p->u.io_width == 1)
		return mmio_read8(uart_addr(p, reg));
	return mmio_read32(uart_addr(p, reg));
}

void uart_write(const struct uart_port *p, unsigned int reg, uint32_t val)
{
	if (p->u.io_width == 1)
		mmio_write8(uart_addr(p, reg), (uint8_t)val);
	else
		mmio_write32(uart_addr(p, reg), val);
}

void uart_run(struct uart_port *p, const struct uart_step *step)
{
	unsigned int polls;
	uint32_t *slot, v;

	for (; step->op != UART_OP_END; step++) {
		if (step->op == UART_OP_WAIT) {
			for (polls = 0; (uart_read(p, step->reg) & step->keep) != step->set;) {
				if (++polls == UART_WAIT_MAX_POLLS) {
					step += step->skip;
					break;
				}
			}
			continue;
		}
		slot = &p->saved[step->slot];
		v = step->op == UART_OP_SAVE ? uart_read(p, step->reg) : *slot;
		v = (v & step->keep) | step->set;
		if (step->op == UART_OP_SAVE)
			*slot = v;
		else
			uart_write(p, step->reg, v);
	}
}
