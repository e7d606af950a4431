/*
 * console_dt.h - the console skiff drives, found as Linux's argument-less earlycon finds it:
 * the node /chosen/stdout-path (or linux,stdout-path) names, directly or through an alias;
 * its kind from its compatible (drivers/uart.h), its registers from its first reg entry
 * translated to a CPU address (hyp/plan/fdt_addr.h), with reg-offset, reg-shift and
 * reg-io-width as the 8250 binding gives them. Finding no console is never an error: skiff
 * then keeps its log in its ring, and why says what was missing. Reads the blob only.
 */
#ifndef SKIFF_HYP_CONSOLE_DT_H
#define SKIFF_HYP_CONSOLE_DT_H

#include <stddef.h>

#include "drivers/uart.h"
#include "lib/range.h"

#define CONSOLE_PATH_MAX 128
#define CONSOLE_WHY_MAX 128

struct plat_console {
	struct uart uart;	     /* kind UART_NONE: none skiff drives (UART_OTHER: no driver) */
	int node;		     /* the node stdout-path names; -1 when none resolves */
	char path[CONSOLE_PATH_MAX]; /* its path, options after ':' left out; "" when none */
	struct plat_range reg;	     /* its first reg entry as a CPU address: to map and claim */
	char why[CONSOLE_WHY_MAX];   /* when uart.kind is UART_NONE or UART_OTHER: why */
};

/* Fill *con from the tree at fdt (which must pass fdt_check_header). */
void console_dt_find(const void *fdt, struct plat_console *con);

#endif
