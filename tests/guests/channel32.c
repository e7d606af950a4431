/*
 * channel32.c - AArch32 test guest (under skiff only): one end of a skiff,channel
 * (docs/channel.md), the real-time side of tests/qemu/test_channel.py's Linux pair and of the
 * example dts/linux-aarch32.dts. The protocol is tests/guests/chan/chan.c and the node is read
 * by chan/chan_dt.c, both shared with the AArch64 guest (channel.c); this file holds the
 * AArch32 part: the GIC through lib32, WFI for the peer's doorbell SPI.
 *
 * End 1 answers chan.count requests (default 10000), end 0 sends them; every message is
 * checked (order, payload, sum). The shared memory lies outside the guest's RAM, so lib32's
 * identity map makes it Device memory: the attributes Linux gives it through /dev/mem, and the
 * ring makes aligned 32-bit accesses only (docs/channel.md, "Memory attributes").
 *
 * Prints "# channel: end E sent S received R rang G heard H irqs I bad B" for the test.
 */
#include <stdlib.h>

#include "tests/guests/chan/chan.h"
#include "tests/guests/chan/chan_dt.h"
#include "tests/guests/lib32/rt32.h"

#define NR_TESTS 4
#define DEFAULT_COUNT 10000

const char guest_name[] = "channel32";

static uintptr_t db;
static uint32_t db_intid, rang;
static volatile uint32_t irqs;

static void handler(uint32_t intid)
{
	if (intid == db_intid)
		irqs++;
}

static void ring(void)
{
	mmio_write32(db + CHAN_DB_RING, 1);
	rang++;
}

/* Until the peer's doorbell: WFI with IRQs masked wakes on a pending one. */
static void wait_doorbell(void)
{
	static uint32_t seen;

	irq_disable();
	if (irqs == seen)
		wfi();
	irq_enable();
	seen = irqs;
}

void guest32_main(void)
{
	struct chan_dt dt;
	uint32_t count = DEFAULT_COUNT;
	char val[16];
	struct chan c;
	bool ok;

	printk("# guest %s: %s, AArch32 at %#x, %u CPUs\n", guest_name,
	       plat32.under_skiff ? "under skiff" : "native", (unsigned int)plat32.base,
	       plat32.nr_cpus);
	tap_plan(NR_TESTS);
	if (bootarg("chan.count", val, sizeof(val)))
		count = (uint32_t)strtoul(val, NULL, 10);
	ok = plat32.under_skiff && chan_dt_find(plat32.dtb, &dt) &&
	     dt.shm_size >= 2 * CHAN_RING_BYTES && !((dt.shm | dt.doorbell) >> 32);
	tap_ok(ok, "a skiff,channel node: doorbell %#x INTID %u, shared memory %#x+%#x, end %u",
	       ok ? (unsigned int)dt.doorbell : 0, ok ? (unsigned int)dt.intid : 0,
	       ok ? (unsigned int)dt.shm : 0, ok ? (unsigned int)dt.shm_size : 0,
	       ok ? (unsigned int)dt.end : 0);
	if (!ok)
		bail_out("no channel this guest can reach");
	db = (uintptr_t)dt.doorbell;
	db_intid = dt.intid;
	/* QEMU's PAR in the short-descriptor format gives no attributes: the table entry */
	tap_ok(mmu32_is_device((uintptr_t)dt.shm) &&
		       mmu32_is_device((uintptr_t)(dt.shm + dt.shm_size - 1)),
	       "the shared memory is Device at stage 1, as Linux maps it (section %#x)",
	       (unsigned int)mmu32_section((uintptr_t)dt.shm));

	irq32_handler = handler;
	gic32_set_edge(db_intid, true);
	gic32_route(db_intid, plat32.mpidr[this_cpu()]);
	gic32_enable(db_intid, true);
	irq_enable();

	chan_init(&c, (void *)(uintptr_t)dt.shm, dt.end);
	ok = dt.end ? chan_respond(&c, count, ring, wait_doorbell)
		    : chan_request(&c, count, ring, wait_doorbell);
	tap_ok(ok && c.sent == count && c.received == count,
	       "%s %u messages, each in order with its payload and sum checked",
	       dt.end ? "answered" : "sent and got replies to", (unsigned int)count);
	irq_disable();
	printk("# channel: end %u sent %u received %u rang %u heard %u irqs %u bad %u\n",
	       (unsigned int)dt.end, (unsigned int)c.sent, (unsigned int)c.received,
	       (unsigned int)rang, (unsigned int)mmio_read32(db + CHAN_DB_HEARD),
	       (unsigned int)irqs, (unsigned int)c.bad);
	tap_ok(irqs > 0 && mmio_read32(db + CHAN_DB_HEARD) > 0,
	       "the peer's doorbell arrived as INTID %u (%u interrupts, HEARD %u)",
	       (unsigned int)db_intid, (unsigned int)irqs,
	       (unsigned int)mmio_read32(db + CHAN_DB_HEARD));
	gic32_enable(db_intid, false);
}

void guest32_secondary(unsigned int cpu, uint32_t context, bool thumb_entry)
{
	(void)cpu;
	(void)context;
	(void)thumb_entry;
}
