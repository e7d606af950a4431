/*
 * channel.c - test guest (under skiff only): one end of a skiff,channel (docs/channel.md).
 * End 0 sends chan.count requests (default 10000) and checks every reply; end 1 answers them.
 * Both wait for the peer's doorbell interrupt (WFI) and ring the peer after each batch. The
 * protocol is tests/guests/chan/chan.c, plain C; this file holds the AArch64 bare-metal part
 * (device tree, GIC, WFI), the part an AArch32 build replaces.
 *
 * Prints "# channel: end E sent S received R rang G heard H irqs I bad B" for the test.
 */
#include <stdlib.h>

#include "tests/guests/chan/chan.h"
#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 3
#define CHAN_RING 0x0
#define CHAN_HEARD 0x4
#define DEFAULT_COUNT 10000
#define DB_PRIO 0x80

const char guest_name[] = "channel";

static uintptr_t db;
static uint32_t db_intid, rang;
static volatile uint32_t irqs;

static void handler(uint32_t intid)
{
	if (intid == db_intid)
		irqs++;
	gic_eoi(intid);
}

static void ring(void)
{
	mmio_write32(db + CHAN_RING, 1);
	rang++;
}

/* Until the peer's doorbell: WFI with interrupts masked wakes on a pending one. */
static void wait_doorbell(void)
{
	static uint32_t seen;

	local_irq_disable();
	if (irqs == seen)
		__asm__ volatile("wfi" ::: "memory");
	local_irq_enable();
	seen = irqs;
}

void guest_main(void)
{
	const void *fdt = (const void *)plat.dtb;
	struct fdt_node node;
	uint64_t shm = 0, size = 0, base = 0;
	const void *p;
	uint32_t len, end = 0, count = DEFAULT_COUNT;
	char val[16];
	struct chan c;
	bool ok;

	tap_plan(NR_TESTS);
	if (bootarg("chan.count", val, sizeof(val)))
		count = (uint32_t)strtoul(val, NULL, 10);
	ok = plat.skiff && fdt_find_compatible(fdt, "skiff,channel", &node) &&
	     fdt_reg(fdt, &node, 0, &base, NULL) && fdt_reg(fdt, &node, 1, &shm, &size);
	p = ok ? fdt_prop(fdt, node.off, "interrupts", &len) : NULL;
	ok = ok && p && len >= 12;
	if (ok) {
		db = (uintptr_t)base;
		db_intid = fdt_be32((const uint8_t *)p + 4) + 32;
		p = fdt_prop(fdt, node.off, "skiff,channel", &len);
		end = p && len == 8 ? fdt_be32((const uint8_t *)p + 4) : 0;
	}
	tap_ok(ok && size >= 2 * CHAN_RING_BYTES,
	       "a skiff,channel node: doorbell 0x%lx INTID %u, shared memory 0x%lx+0x%lx, end %u",
	       (unsigned long)db, db_intid, (unsigned long)shm, (unsigned long)size, end);
	if (!ok)
		bail_out("no channel");

	set_irq_handler(handler);
	gic_set_priority(db_intid, DB_PRIO);
	gic_set_edge(db_intid, true);
	gic_set_route(db_intid, plat.mpidr[this_cpu()]);
	gic_enable(db_intid);
	local_irq_enable();

	chan_init(&c, (void *)(uintptr_t)shm, end);
	ok = end ? chan_respond(&c, count, ring, wait_doorbell)
		 : chan_request(&c, count, ring, wait_doorbell);
	tap_ok(ok && c.sent == count && c.received == count,
	       "%s %u messages, each in order with its payload and sum checked",
	       end ? "answered" : "sent and got replies to", count);
	local_irq_disable();
	printk("# channel: end %u sent %u received %u rang %u heard %u irqs %u bad %u\n", end,
	       c.sent, c.received, rang, mmio_read32(db + CHAN_HEARD), irqs, c.bad);
	tap_ok(irqs > 0 && mmio_read32(db + CHAN_HEARD) > 0,
	       "the peer's doorbell arrived as INTID %u (%u interrupts, HEARD %u)", db_intid, irqs,
	       mmio_read32(db + CHAN_HEARD));
	gic_disable(db_intid);
}
