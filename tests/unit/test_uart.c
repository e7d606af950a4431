/*
 * test_uart.c - host tests of drivers/uart.c: uart_match() over compatible lists as boards'
 * device trees have them (and over cut or malformed ones), and uart_kind_name(). Pure data:
 * touches nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/uart.h"

/* A compatible property as libfdt gives it: the strings with their NULs, sizeof - 0 keeps the
 * literal's own final NUL, as in a blob. */
#define COMPAT(s) s, (int)sizeof(s)

struct match_case {
	const char *compatible;
	int len;
	enum uart_kind kind;
	uint8_t reg_shift, io_width;
};

static const struct match_case cases[] = {
	/* Rockchip RK3399/RK356x/RK3588, Allwinner, Marvell: Synopsys DW_apb_uart */
	{ COMPAT("rockchip,rk3399-uart\0snps,dw-apb-uart"), UART_8250, 0, 1 },
	{ COMPAT("rockchip,rk3588-uart\0snps,dw-apb-uart"), UART_8250, 0, 1 },
	{ COMPAT("allwinner,sun50i-a64-uart\0snps,dw-apb-uart"), UART_8250, 0, 1 },
	/* TI K3 and OMAP: 8250_omap implies registers 4 bytes apart */
	{ COMPAT("ti,am654-uart"), UART_8250, 2, 1 },
	{ COMPAT("ti,j721e-uart\0ti,am654-uart"), UART_8250, 2, 1 },
	{ COMPAT("ti,am3352-uart\0ti,omap3-uart"), UART_8250, 2, 1 },
	{ COMPAT("ti,dra742-uart\0ti,omap4-uart"), UART_8250, 2, 1 },
	{ COMPAT("ti,da830-uart"), UART_8250, 2, 1 },
	/* NXP Layerscape */
	{ COMPAT("fsl,ns16550\0ns16550a"), UART_8250, 0, 1 },
	/* the generic names */
	{ COMPAT("ns16550a"), UART_8250, 0, 1 },
	{ COMPAT("ns16550"), UART_8250, 0, 1 },
	{ COMPAT("ns16450"), UART_8250, 0, 1 },
	{ COMPAT("ns16750"), UART_8250, 0, 1 },
	{ COMPAT("ns16850"), UART_8250, 0, 1 },
	{ COMPAT("ns8250"), UART_8250, 0, 1 },
	/* NVIDIA Tegra (the DT gives reg-shift 2) and MediaTek (8250_mtk: 4 apart, 32-bit) */
	{ COMPAT("nvidia,tegra194-uart\0nvidia,tegra20-uart"), UART_8250, 0, 1 },
	{ COMPAT("nvidia,tegra210-uart"), UART_8250, 0, 1 },
	{ COMPAT("mediatek,mt8183-uart\0mediatek,mt6577-uart"), UART_8250, 2, 4 },
	{ COMPAT("mediatek,mt8195-uart"), UART_8250, 2, 4 },
	/* i.MX 6/7/8M */
	{ COMPAT("fsl,imx8mm-uart\0fsl,imx6q-uart"), UART_IMX, 0, 4 },
	{ COMPAT("fsl,imx6q-uart\0fsl,imx21-uart"), UART_IMX, 0, 4 },
	{ COMPAT("fsl,imx8mp-uart"), UART_IMX, 0, 4 },
	/* Raspberry Pi 3/4's mini UART: AUX_MU_IO_REG on, registers 4 apart */
	{ COMPAT("brcm,bcm2835-aux-uart"), UART_BCM_AUX, 2, 4 },
	/* Xilinx Zynq and ZynqMP */
	{ COMPAT("xlnx,xuartps\0cdns,uart-r1p8"), UART_CDNS, 0, 4 },
	{ COMPAT("xlnx,zynqmp-uart\0cdns,uart-r1p12"), UART_CDNS, 0, 4 },
	/* PL011 */
	{ COMPAT("arm,pl011\0arm,primecell"), UART_PL011, 0, 4 },
	/* no driver: the reg_shift/io_width of a plain 16550, for what it is worth */
	{ COMPAT("qcom,msm-uartdm"), UART_OTHER, 0, 1 },
	{ COMPAT("qcom,geni-debug-uart"), UART_OTHER, 0, 1 },
	{ COMPAT("arm,sbsa-uart"), UART_OTHER, 0, 1 },
	{ COMPAT("amlogic,meson-gx-uart\0amlogic,meson-ao-uart"), UART_OTHER, 0, 1 },
	{ COMPAT("nvidia,tegra194-tcu"), UART_OTHER, 0, 1 },   /* not a 16550 */
	{ COMPAT("fsl,imx8qxp-lpuart"), UART_OTHER, 0, 1 },    /* LPUART, not the i.MX UART */
	{ COMPAT("nvidia,tegra30-hsuart"), UART_OTHER, 0, 1 }, /* not "...-uart" */
	/* the first string skiff knows wins, and a pattern must match the whole string */
	{ COMPAT("fsl,imx6q-uart\0ns16550a"), UART_IMX, 0, 4 },
	{ COMPAT("vendor,thing\0ns16550a"), UART_8250, 0, 1 },
	{ COMPAT("\0arm,pl011"), UART_PL011, 0, 4 },
	{ COMPAT("arm,pl011x"), UART_OTHER, 0, 1 },
	{ COMPAT("xarm,pl011"), UART_OTHER, 0, 1 },
	{ COMPAT("ns16550ab"), UART_OTHER, 0, 1 },
	{ COMPAT("ns50"), UART_8250, 0, 1 }, /* "ns*50": the '*' may be empty... */
	{ COMPAT("ns5"), UART_OTHER, 0, 1 }, /* ...but head and tail may not overlap */
	{ COMPAT("n50"), UART_OTHER, 0, 1 },
	{ COMPAT("ns"), UART_OTHER, 0, 1 }, /* shorter than the pattern's tail after its head */
	/* cut or malformed properties: never read past len */
	{ "snps,dw-apb-uart", 16, UART_8250, 0, 1 },  /* no final NUL */
	{ "snps,dw-apb-uart", 14, UART_OTHER, 0, 1 }, /* "snps,dw-apb-ua" */
	{ "arm,pl011", 0, UART_OTHER, 0, 1 },
	{ "arm,pl011", -1, UART_OTHER, 0, 1 }, /* libfdt's error */
	{ NULL, 0, UART_OTHER, 0, 1 },
};

static void test_match(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct match_case *c = &cases[i];
		struct uart u = { .kind = UART_NONE, .reg_shift = 7, .io_width = 7 };
		char *copy = NULL;

		/* an exact-size heap copy, so AddressSanitizer sees any read past len */
		if (c->len > 0) {
			copy = malloc((size_t)c->len);
			assert_non_null(copy);
			memcpy(copy, c->compatible, (size_t)c->len);
		}
		uart_match(copy ? copy : c->compatible, c->len, &u);
		free(copy);
		if (u.kind != c->kind || u.reg_shift != c->reg_shift || u.io_width != c->io_width)
			fail_msg("case %u (\"%s\", %d): %s %u/%u, want %s %u/%u", i,
				 c->compatible ? c->compatible : "(null)", c->len,
				 uart_kind_name(u.kind), u.reg_shift, u.io_width,
				 uart_kind_name(c->kind), c->reg_shift, c->io_width);
	}
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(uart_kind_name(UART_NONE), "none");
	assert_string_equal(uart_kind_name(UART_PL011), "pl011");
	assert_string_equal(uart_kind_name(UART_8250), "8250");
	assert_string_equal(uart_kind_name(UART_CDNS), "cadence");
	assert_string_equal(uart_kind_name(UART_IMX), "imx");
	assert_string_equal(uart_kind_name(UART_BCM_AUX), "bcm2835-aux");
	assert_string_equal(uart_kind_name(UART_OTHER), "other");
	assert_string_equal(uart_kind_name((enum uart_kind)42), "other");
	assert_string_equal(uart_kind_name((enum uart_kind)(UART_OTHER + 1)), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
