/*
 * uart_cdns.c - the Cadence UART (cdns,uart-r1p8/r1p12; Xilinx Zynq and ZynqMP, register names
 * of the Zynq UltraScale+ TRM, UG1085) for skiff's console: where characters go, the step that
 * turns the transmitter on before the first, and the steps that save and restore the set-up
 * (mode, baud rate generator, modem control, interrupt mask, enables) around the time a guest
 * owns the UART. Data only: uart_port.c runs it.
 */
#include "drivers/uart_cdns.h"

#define CDNS_CR 0x00	  /* Control_reg0 */
#define CDNS_MR 0x04	  /* mode_reg0: character format, channel mode (loopback) */
#define CDNS_IER 0x08	  /* Intrpt_en_reg0 (write-only) */
#define CDNS_IDR 0x0c	  /* Intrpt_dis_reg0 (write-only) */
#define CDNS_IMR 0x10	  /* Intrpt_mask_reg0 (read-only) */
#define CDNS_BAUDGEN 0x18 /* Baud_rate_gen_reg0: CD */
#define CDNS_MODEMCR 0x24 /* Modem_ctrl_reg0: automatic flow control */
#define CDNS_SR 0x2c	  /* Channel_sts_reg0 */
#define CDNS_FIFO 0x30	  /* TX_RX_FIFO0 */
#define CDNS_BAUDDIV 0x34 /* Baud_rate_divider_reg0: BDIV */
#define CDNS_CR_RXRST (1u << 0)
#define CDNS_CR_TXRST (1u << 1)
#define CDNS_CR_RX_EN (1u << 2)
#define CDNS_CR_RX_DIS (1u << 3)
#define CDNS_CR_TX_EN (1u << 4)
#define CDNS_CR_TX_DIS (1u << 5)
#define CDNS_CR_ENABLES (CDNS_CR_RX_EN | CDNS_CR_RX_DIS | CDNS_CR_TX_EN | CDNS_CR_TX_DIS)
#define CDNS_CR_RESETS (CDNS_CR_TXRST | CDNS_CR_RXRST)
#define CDNS_IXR_ALL 0x3fffu /* every interrupt source of IER, IDR and IMR */
#define CDNS_SR_TXFULL (1u << 4)

enum { S_CR, S_MR, S_IMR, S_BAUDGEN, S_BAUDDIV, S_MODEMCR };

/* The transmitter on, the receiver as it was, before skiff's first character: firmware that
 * leaves a Cadence UART to Linux may leave it disabled (QEMU's zcu102 resets it so), and
 * Linux's earlycon enables it the same way. */
static const struct uart_step start_cdns[] = {
	UART_SAVE(CDNS_CR, S_CR),
	UART_PUT_BITS(CDNS_CR, S_CR, CDNS_CR_RX_EN | CDNS_CR_RX_DIS, CDNS_CR_TX_EN),
	UART_END,
};

static const struct uart_step save_cdns[] = {
	UART_SAVE(CDNS_CR, S_CR),
	UART_SAVE(CDNS_MR, S_MR),
	UART_SAVE(CDNS_IMR, S_IMR),
	UART_SAVE(CDNS_BAUDGEN, S_BAUDGEN),
	UART_SAVE(CDNS_BAUDDIV, S_BAUDDIV),
	UART_SAVE(CDNS_MODEMCR, S_MODEMCR),
	UART_END,
};

/* The TRM's order for a new baud rate: receiver and transmitter disabled, CD and BDIV written,
 * both paths reset (the reset bits clear themselves when done), then enabled as they were. The
 * mode changes while they are disabled too. */
static const struct uart_step restore_cdns[] = {
	UART_PUT_VALUE(CDNS_CR, CDNS_CR_TX_DIS | CDNS_CR_RX_DIS),
	UART_PUT(CDNS_MR, S_MR),
	UART_PUT(CDNS_BAUDGEN, S_BAUDGEN),
	UART_PUT(CDNS_BAUDDIV, S_BAUDDIV),
	UART_PUT(CDNS_MODEMCR, S_MODEMCR),
	UART_PUT_VALUE(CDNS_IDR, CDNS_IXR_ALL),
	UART_PUT_BITS(CDNS_IER, S_IMR, CDNS_IXR_ALL, 0),
	UART_PUT_VALUE(CDNS_CR, CDNS_CR_RESETS | CDNS_CR_TX_DIS | CDNS_CR_RX_DIS),
	UART_WAIT(CDNS_CR, CDNS_CR_RESETS, 0, 0),
	UART_PUT_BITS(CDNS_CR, S_CR, CDNS_CR_ENABLES, 0),
	UART_END,
};

const struct uart_ops uart_cdns_ops = {
	.data = CDNS_FIFO,
	.status = CDNS_SR,
	.full_mask = CDNS_SR_TXFULL,
	.full_value = CDNS_SR_TXFULL,
	.last = CDNS_BAUDDIV,
	.start = start_cdns,
	.save = save_cdns,
	.restore = restore_cdns,
};
