/*
 * uart_imx.c - the i.MX UART (i.MX 6/7/8 reference manuals, UART chapter; the fsl,imx21-uart
 * layout, not i.MX1's) for skiff's console: where characters go, and the steps that save and
 * restore the set-up (UCR1..UCR4 with the enables and interrupt masks, UFCR with the reference
 * clock divider, the baud rate modulator UBIR/UBMR, UTS with loopback) around the time a guest
 * owns the UART. Data only: uart_port.c runs it.
 */
#include "drivers/uart_imx.h"

#define IMX_UTXD 0x40 /* transmitter register */
#define IMX_UCR1 0x80
#define IMX_UCR2 0x84
#define IMX_UCR3 0x88
#define IMX_UCR4 0x8c
#define IMX_UFCR 0x90		/* FIFO control: RFDIV, the reference clock divider */
#define IMX_UBIR 0xa4		/* BRM incremental */
#define IMX_UBMR 0xa8		/* BRM modulator */
#define IMX_UTS 0xb4		/* test register: TXFULL, loopback */
#define IMX_UCR2_SRST (1u << 0) /* 0 resets the UART */
#define IMX_UCR2_RXEN (1u << 1)
#define IMX_UCR2_TXEN (1u << 2)
#define IMX_UTS_TXFULL (1u << 4)

enum { S_UCR1, S_UCR2, S_UCR3, S_UCR4, S_UFCR, S_UBIR, S_UBMR, S_UTS };

static const struct uart_step save_imx[] = {
	UART_SAVE(IMX_UCR1, S_UCR1), UART_SAVE(IMX_UCR2, S_UCR2), UART_SAVE(IMX_UCR3, S_UCR3),
	UART_SAVE(IMX_UCR4, S_UCR4), UART_SAVE(IMX_UFCR, S_UFCR), UART_SAVE(IMX_UBIR, S_UBIR),
	UART_SAVE(IMX_UBMR, S_UBMR), UART_SAVE(IMX_UTS, S_UTS),	  UART_END,
};

/* Receiver and transmitter off (SRST kept 1: 0 would reset the UART) while the clock divider
 * and the modulator change; UBIR before UBMR, as the manual asks (writing UBMR loads both);
 * UCR2 puts the enables back, UCR1 (UARTEN) last. */
static const struct uart_step restore_imx[] = {
	UART_PUT_BITS(IMX_UCR2, S_UCR2, 0xffff & ~(IMX_UCR2_TXEN | IMX_UCR2_RXEN), IMX_UCR2_SRST),
	UART_PUT(IMX_UFCR, S_UFCR),
	UART_PUT(IMX_UBIR, S_UBIR),
	UART_PUT(IMX_UBMR, S_UBMR),
	UART_PUT(IMX_UCR3, S_UCR3),
	UART_PUT(IMX_UCR4, S_UCR4),
	UART_PUT(IMX_UTS, S_UTS),
	UART_PUT_BITS(IMX_UCR2, S_UCR2, 0xffff, IMX_UCR2_SRST),
	UART_PUT(IMX_UCR1, S_UCR1),
	UART_END,
};

const struct uart_ops uart_imx_ops = {
	.data = IMX_UTXD,
	.status = IMX_UTS,
	.full_mask = IMX_UTS_TXFULL,
	.full_value = IMX_UTS_TXFULL,
	.last = IMX_UTS,
	.save = save_imx,
	.restore = restore_imx,
};
