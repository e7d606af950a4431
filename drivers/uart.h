/*
 * uart.h - the UARTs skiff can print its own log on: which kind a device-tree node is (from
 * its compatible list), where its registers are, and the console (lib/log.h) that drives it,
 * polled and output only. uart_match() and uart_kind_name() are in uart.c (no hardware, no
 * libfdt); uart_console_init() is in uart_console.c (binds a driver, touches no register).
 */
#ifndef SKIFF_DRIVERS_UART_H
#define SKIFF_DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct log_console;

enum uart_kind {
	UART_NONE,
	UART_PL011,   /* Arm PL011 */
	UART_8250,    /* 8250/16450/16550 and their kin (dw-apb, TI, Tegra, MediaTek, ...) */
	UART_CDNS,    /* Cadence UART (Xilinx Zynq, ZynqMP) */
	UART_IMX,     /* i.MX UART */
	UART_BCM_AUX, /* Broadcom BCM2835 auxiliary "mini" UART (Raspberry Pi) */
	UART_OTHER,   /* found, but skiff has no driver for it */
};

struct uart {
	enum uart_kind kind;
	uint64_t base; /* CPU address of the registers: after ranges translation and reg-offset */
	uint64_t size; /* bytes of MMIO to map (the reg entry's size) */
	uint8_t reg_shift; /* 8250: register i is at base + (i << reg_shift) */
	uint8_t io_width;  /* 8250: 1 or 4 bytes per access */
};

/* The kind of UART a node's compatible list (len bytes of NUL-separated strings, as libfdt
 * gives it) names, and the reg_shift/io_width that kind implies when the DT says nothing:
 * fills u->kind, u->reg_shift, u->io_width; UART_OTHER when no driver matches. No libfdt. */
void uart_match(const char *compatible, int len, struct uart *u);
/* "pl011", "8250", "cadence", "imx", "bcm2835-aux", "other" ("none" for UART_NONE) */
const char *uart_kind_name(enum uart_kind kind);
/* Fill *console (lib/log.h) with u's driver; false if skiff has no driver for u->kind, or
 * u's layout is one the driver cannot use (8250 io_width other than 1 or 4, or wider than the
 * register spacing; registers past u->size). console->ctx points at a copy of *u the driver
 * keeps: skiff has one console, so a second call retargets the console the first one filled. */
bool uart_console_init(const struct uart *u, struct log_console *console);

#endif
