/*
 * uart_8250.c - the 8250/16550 family for skiff's console (PC16550D datasheet register names),
 * and the BCM2835 mini UART, which copies its registers (BCM2835 ARM Peripherals, 2.2): where
 * characters go, and the steps that save and restore the set-up (divisor, line and modem
 * control, interrupt enables; the mini UART's transmitter enable) around the time a guest owns
 * the UART. Data only: uart_port.c runs it. The FIFO control register is write-only and left as
 * the guest set it.
 */
#include "drivers/uart_8250.h"

/* Register indices; DLL and DLM replace RBR/THR and IER while LCR.DLAB is set. */
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define AUX_MU_CNTL 8 /* AUX_MU_CNTL_REG (0x60) from AUX_MU_IO_REG (0x40): TX/RX enables */
#define UART_LCR_DLAB (1u << 7)
#define UART_LSR_THRE (1u << 5) /* room for a character */
#define UART_LSR_TEMT (1u << 6) /* FIFO and shift register empty */

/* saved[] slots; LATCH is the LCR restore writes to reach the divisor: DLAB set in it only
 * when save could read the divisor, so restore never writes one it does not know (its DLAB
 * wait then fails and the divisor writes are skipped). */
enum { S_CNTL, S_MCR, S_LCR, S_IER, S_LATCH, S_DLL, S_DLM };

/*
 * LCR is written only once the transmitter is empty, and DLAB read back before the registers
 * it switches are touched: the Synopsys DW_apb_uart (snps,dw-apb-uart) ignores writes to LCR
 * while it is busy. A wait that times out skips the writes that depended on it.
 * The mini UART starts at [0] (its AUX_MU_CNTL_REG), the 16550s at [1].
 */
static const struct uart_step save_8250[] = {
	UART_SAVE(AUX_MU_CNTL, S_CNTL),
	UART_SAVE(UART_MCR, S_MCR),
	UART_SAVE(UART_LCR, S_LCR),
	UART_SAVE(UART_IER, S_IER),
	UART_SAVE_BITS(UART_LCR, S_LATCH, 0xff & ~UART_LCR_DLAB, 0),
	UART_WAIT(UART_LSR, UART_LSR_TEMT, UART_LSR_TEMT, 6),
	UART_PUT_BITS(UART_LCR, S_LCR, 0xff, UART_LCR_DLAB),
	UART_WAIT(UART_LCR, UART_LCR_DLAB, UART_LCR_DLAB, 3),
	UART_SAVE(UART_DLL, S_DLL),
	UART_SAVE(UART_DLM, S_DLM),
	UART_SAVE(UART_LCR, S_LATCH),
	UART_PUT(UART_LCR, S_LCR),
	UART_END,
};

/* Modem control (loopback, auto flow control) first, so the transmitter can drain; then the
 * divisor through DLAB, the line control, and the interrupt enables once DLAB is clear. */
static const struct uart_step restore_8250[] = {
	UART_PUT(AUX_MU_CNTL, S_CNTL),
	UART_PUT(UART_MCR, S_MCR),
	UART_WAIT(UART_LSR, UART_LSR_TEMT, UART_LSR_TEMT, 4),
	UART_PUT(UART_LCR, S_LATCH),
	UART_WAIT(UART_LCR, UART_LCR_DLAB, UART_LCR_DLAB, 2),
	UART_PUT(UART_DLL, S_DLL),
	UART_PUT(UART_DLM, S_DLM),
	UART_WAIT(UART_LSR, UART_LSR_TEMT, UART_LSR_TEMT, 3),
	UART_PUT(UART_LCR, S_LCR),
	UART_WAIT(UART_LCR, UART_LCR_DLAB, 0, 1),
	UART_PUT(UART_IER, S_IER),
	UART_END,
};

const struct uart_ops uart_8250_ops = {
	.data = UART_THR,
	.status = UART_LSR,
	.full_mask = UART_LSR_THRE,
	.full_value = 0,
	.last = UART_LSR,
	.dt_layout = true,
	.save = save_8250 + 1,
	.restore = restore_8250 + 1,
};

const struct uart_ops uart_bcm_aux_ops = {
	.data = UART_THR,
	.status = UART_LSR,
	.full_mask = UART_LSR_THRE,
	.full_value = 0,
	.last = AUX_MU_CNTL,
	.dt_layout = true,
	.save = save_8250,
	.restore = restore_8250,
};
