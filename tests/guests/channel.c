/*
 * channel.c - test guest (under skiff only): one end of a skiff,channel (docs/channel.md).
 * End 0 sends chan.count requests (default 10000) and checks every reply; end 1 answers them.
 * Both wait for the peer's doorbell interrupt (WFI) and ring the peer after each batch. The
 * protocol is tests/guests/chan/chan.c, plain C; this file holds the AArch64 bare-metal part
 * (GIC, WFI); tests/guests/channel32.c is the AArch32 one, and chan/chan_dt.c reads the
 * node for both. The runtime maps the shared memory Device (lib/boot.c), as Linux maps it
 * through /dev/mem; test 2 checks that (docs/channel.md, "Memory attributes").
 *
 * Prints "# channel: end E sent S received R rang G heard H irqs I bad B" for the test.
 */
#include <stdlib.h>

#include "tests/guests/chan/chan.h"
#include "tests/guests/chan/chan_dt.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 4
#define PAR_F BIT(0)
#define PAR_ATTR_SHIFT 56
#define MAIR_DEVICE_NGNRE 0x04
#define DEFAULT_COUNT 10000
#define DB_PRIO 0x80

const char guest_name[] = "channel";

static uintptr_t db;
static uint32_t db_intid, rang;
static volatile uint32_t irqs;

/* The stage-1 attributes of addr (PAR_EL1 after AT S1E1R): a MAIR encoding, or -1 on a fault */
static int stage1_attr(uintptr_t addr)
{
	uint64_t par;

	asm volatile("at s1e1r, %0" ::"r"(addr) : "memory");
	isb();
	par = read_sysreg(par_el1);
	return (par & PAR_F) ? -1 : (int)(par >> PAR_ATTR_SHIFT);
}

static void handler(uint32_t intid)
{
	if (intid == db_intid)
		irqs++;
	gic_eoi(intid);
}

static void ring(void)
{
	mmio_write32(db + CHAN_DB_RING, 1);
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
	struct chan_dt dt;
	uint32_t count = DEFAULT_COUNT;
	char val[16];
	struct chan c;
	bool ok;

	tap_plan(NR_TESTS);
	if (bootarg("chan.count", val, sizeof(val)))
		count = (uint32_t)strtoul(val, NULL, 10);
	ok = plat.skiff && chan_dt_find((const void *)plat.dtb, &dt);
	tap_ok(ok && dt.shm_size >= 2 * CHAN_RING_BYTES,
	       "a skiff,channel node: doorbell 0x%lx INTID %u, shared memory 0x%lx+0x%lx, end %u",
	       ok ? (unsigned long)dt.doorbell : 0UL, ok ? dt.intid : 0,
	       ok ? (unsigned long)dt.shm : 0UL, ok ? (unsigned long)dt.shm_size : 0UL,
	       ok ? dt.end : 0);
	if (!ok || dt.shm_size < 2 * CHAN_RING_BYTES)
		bail_out("no channel");
	db = (uintptr_t)dt.doorbell;
	db_intid = dt.intid;
	tap_ok(stage1_attr((uintptr_t)dt.shm) == MAIR_DEVICE_NGNRE &&
		       stage1_attr((uintptr_t)(dt.shm + dt.shm_size - 4)) == MAIR_DEVICE_NGNRE,
	       "the shared memory is Device-nGnRE at stage 1, as Linux maps it (MAIR attr %#x)",
	       stage1_attr((uintptr_t)dt.shm));

	set_irq_handler(handler);
	gic_set_priority(db_intid, DB_PRIO);
	gic_set_edge(db_intid, true);
	gic_set_route(db_intid, plat.mpidr[this_cpu()]);
	gic_enable(db_intid);
	local_irq_enable();

	chan_init(&c, (void *)(uintptr_t)dt.shm, dt.end);
	ok = dt.end ? chan_respond(&c, count, ring, wait_doorbell)
		    : chan_request(&c, count, ring, wait_doorbell);
	tap_ok(ok && c.sent == count && c.received == count,
	       "%s %u messages, each in order with its payload and sum checked",
	       dt.end ? "answered" : "sent and got replies to", count);
	local_irq_disable();
	printk("# channel: end %u sent %u received %u rang %u heard %u irqs %u bad %u\n", dt.end,
	       c.sent, c.received, rang, mmio_read32(db + CHAN_DB_HEARD), irqs, c.bad);
	tap_ok(irqs > 0 && mmio_read32(db + CHAN_DB_HEARD) > 0,
	       "the peer's doorbell arrived as INTID %u (%u interrupts, HEARD %u)", db_intid, irqs,
	       mmio_read32(db + CHAN_DB_HEARD));
	gic_disable(db_intid);
}
