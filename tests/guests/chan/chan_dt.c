/*
 * chan_dt.c - the skiff,channel node of a bare-metal guest's device tree (chan_dt.h).
 */
#include "tests/guests/chan/chan_dt.h"

#include "tests/guests/lib/fdt.h"

#define GIC_SPI 0

bool chan_dt_find(const void *fdt, struct chan_dt *out)
{
	struct fdt_node node;
	const uint8_t *irq, *id;
	uint32_t len, idlen;

	if (!fdt_find_compatible(fdt, "skiff,channel", &node) ||
	    !fdt_reg(fdt, &node, 0, &out->doorbell, NULL) ||
	    !fdt_reg(fdt, &node, 1, &out->shm, &out->shm_size))
		return false;
	irq = fdt_prop(fdt, node.off, "interrupts", &len);
	id = fdt_prop(fdt, node.off, "skiff,channel", &idlen);
	if (!irq || len < 12 || fdt_be32(irq) != GIC_SPI || !id || idlen != 8)
		return false;
	out->intid = fdt_be32(irq + 4) + 32;
	out->channel = fdt_be32(id);
	out->end = fdt_be32(id + 4);
	return out->end <= 1;
}
