/*
 * uart.c - which UART a device-tree node is: its compatible list matched against the
 * compatibles of the UARTs skiff drives (Linux's bindings), and the register layout each
 * implies when the node has no reg-shift or reg-io-width. Plain C over the property's bytes:
 * no libfdt, no hardware.
 */
#include "drivers/uart.h"

#include <string.h>

/* What a compatible implies: the kind, and the register spacing and access width the Linux
 * driver for it assumes when the node does not say (8250_of: 0 and 1; 8250_omap: shift 2;
 * 8250_mtk and 8250_bcm2835aux: shift 2, 32-bit here). The table below names rows by code. */
struct uart_implied {
	uint8_t kind, reg_shift, io_width;
};

#define PL011 "0"
#define NS16550 "1"
#define OMAP "2"
#define MTK "3"
#define CDNS "4"
#define IMX "5"
#define BCM_AUX "6"
#define OTHER 7 /* no compatible known */

/* clang-format off */
static const struct uart_implied implied[] = {
	{ UART_PL011,	0, 4 },	/* PL011 */
	{ UART_8250,	0, 1 },	/* NS16550 */
	{ UART_8250,	2, 1 },	/* OMAP */
	{ UART_8250,	2, 4 },	/* MTK */
	{ UART_CDNS,	0, 4 },	/* CDNS */
	{ UART_IMX,	0, 4 },	/* IMX */
	{ UART_BCM_AUX,	2, 4 },	/* BCM_AUX */
	{ UART_OTHER,	0, 1 },	/* OTHER */
};

/* Each entry: its code, a pattern with at most one '*' (any run of characters), a NUL. */
static const char compatibles[] =
	PL011	"arm,pl011\0"
	NS16550	"ns16550a\0"
	NS16550	"ns*50\0"		/* ns8250, ns16450, ns16550, ns16750, ns16850 */
	NS16550	"snps,dw-apb-uart\0"	/* Rockchip, Allwinner, Marvell, Altera, ... */
	NS16550	"fsl,ns16550\0"	/* Layerscape */
	NS16550	"nvidia,tegra*-uart\0"
	OMAP	"ti,omap*-uart\0"
	OMAP	"ti,am*-uart\0"	/* am3352, am4372, am654 (K3) */
	OMAP	"ti,dra742-uart\0"
	OMAP	"ti,da830-uart\0"
	MTK	"mediatek,mt*-uart\0"
	CDNS	"cdns,uart-r1p*\0"
	CDNS	"xlnx,xuartps\0"
	IMX	"fsl,imx*-uart\0"	/* not i.MX1's layout (UTS elsewhere): not AArch64 */
	BCM_AUX	"brcm,bcm2835-aux-uart\0";
/* clang-format on */

/* s (n bytes, no NUL) against a pattern: its characters, a '*' standing for any run of them
 * (at most one '*'). */
static bool compatible_matches(const char *pattern, const char *s, size_t n)
{
	size_t i, tail;

	for (i = 0; pattern[i] != '*'; i++) {
		if (!pattern[i])
			return i == n;
		if (i == n || pattern[i] != s[i])
			return false;
	}
	tail = strlen(pattern + i + 1);
	return n - i >= tail && !memcmp(pattern + i + 1, s + n - tail, tail);
}

void uart_match(const char *compatible, int len, struct uart *u)
{
	const struct uart_implied *found = &implied[OTHER];
	size_t left = len > 0 ? (size_t)len : 0, n;
	const char *s = compatible, *entry;

	/* the node's strings in order, most specific first; the first one known wins */
	while (left) {
		n = strnlen(s, left);
		for (entry = compatibles; *entry; entry += strlen(entry) + 1) {
			if (compatible_matches(entry + 1, s, n)) {
				found = &implied[*entry - '0'];
				goto out;
			}
		}
		if (n == left)
			break;
		s += n + 1;
		left -= n + 1;
	}
out:
	u->kind = found->kind;
	u->reg_shift = found->reg_shift;
	u->io_width = found->io_width;
}

const char *uart_kind_name(enum uart_kind kind)
{
	static const char *const names[] = {
		[UART_NONE] = "none",	 [UART_PL011] = "pl011", [UART_8250] = "8250",
		[UART_CDNS] = "cadence", [UART_IMX] = "imx",	 [UART_BCM_AUX] = "bcm2835-aux",
		[UART_OTHER] = "other",
	};

	return (unsigned int)kind < UART_OTHER ? names[kind] : names[UART_OTHER];
}
