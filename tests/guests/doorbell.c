/*
 * doorbell.c - test guest (under skiff only): skiff's emulated level-sensitive doorbell,
 * an MMIO page whose line drives an SPI (INTID 132), with resample at the guest's EOI.
 * RAISE: the interrupt arrives; the handler does not acknowledge the device the first
 * time, so after its EOI the still-high line must be delivered again; the second time it
 * writes ACK before the EOI, so there is no third delivery. The device's EOI counter must
 * match the EOIs, STATUS must read 0 at the end. Before that, with the SPI disabled: the
 * pending bit follows the line (raise: pending; ack: not pending) and nothing is delivered.
 * Natively there is no doorbell and every test but the first is skipped.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 8
#define DB_RAISE 0x0
#define DB_ACK 0x4
#define DB_STATUS 0x8
#define DB_EOIS 0xc
#define DB_PRIO 0x80
#define SETTLE_US 5000
#define TIMEOUT_US 2000000

const char guest_name[] = "doorbell";

static volatile uint32_t deliveries;
static volatile uint32_t status_in_handler[4];
static volatile uint32_t eois_done;
static volatile uint32_t unexpected;

static void handler(uint32_t intid)
{
	uint32_t n;

	if (intid != plat.doorbell_intid) {
		unexpected++;
		gic_eoi(intid);
		return;
	}
	n = deliveries++;
	if (n < ARRAY_SIZE(status_in_handler))
		status_in_handler[n] = mmio_read32(plat.doorbell + DB_STATUS);
	/* First delivery: leave the line high. Later ones: acknowledge the device first. */
	if (n >= 1)
		mmio_write32(plat.doorbell + DB_ACK, 1);
	eois_done++;
	gic_eoi(intid);
}

static void skip_all(void)
{
	unsigned int i;

	for (i = 2; i <= NR_TESTS; i++)
		tap_skip_native("doorbell test %u (no skiff,doorbell device)", i);
}

static void test_level_while_disabled(uint32_t intid, uintptr_t db)
{
	bool pend_high, pend_low;

	gic_disable(intid);
	local_irq_enable();
	mmio_write32(db + DB_RAISE, 1);
	udelay(SETTLE_US);
	pend_high = gic_is_pending(intid) && mmio_read32(db + DB_STATUS) == 1;
	mmio_write32(db + DB_ACK, 1);
	udelay(SETTLE_US);
	pend_low = !gic_is_pending(intid) && mmio_read32(db + DB_STATUS) == 0;
	local_irq_disable();
	tap_ok(pend_high && pend_low && deliveries == 0,
	       "INTID %u disabled: raise makes it pending, ack makes it not pending (level), "
	       "nothing delivered",
	       intid);
}

void guest_main(void)
{
	uint32_t intid = plat.doorbell_intid;
	uintptr_t db = plat.doorbell;
	uint32_t eois0, eois1;
	bool first, second;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	if (!plat.skiff || !db) {
		skip_all();
		return;
	}
	tap_diag("doorbell at 0x%lx, INTID %u", (unsigned long)db, intid);
	tap_ok(mmio_read32(db + DB_STATUS) == 0, "doorbell STATUS reads 0 before the first RAISE");

	set_irq_handler(handler);
	gic_set_priority(intid, DB_PRIO);
	gic_set_edge(intid, false);
	gic_set_route(intid, plat.mpidr[this_cpu()]);
	test_level_while_disabled(intid, db);

	eois0 = mmio_read32(db + DB_EOIS);
	gic_enable(intid);
	local_irq_enable();
	mmio_write32(db + DB_RAISE, 1);
	first = wait_until(deliveries >= 1, TIMEOUT_US);
	tap_ok(first && status_in_handler[0] == 1,
	       "RAISE: INTID %u arrives (routed by IROUTER to vCPU %u), STATUS 1 in the handler",
	       intid, this_cpu());
	second = wait_until(deliveries >= 2, TIMEOUT_US);
	tap_ok(second && status_in_handler[1] == 1,
	       "not acknowledged at the device before the EOI: delivered again (resample)");
	udelay(SETTLE_US);
	local_irq_disable();
	tap_ok(deliveries == 2, "acknowledged before the second EOI: no third delivery (%u in all)",
	       deliveries);
	eois1 = mmio_read32(db + DB_EOIS);
	tap_ok(eois1 - eois0 == eois_done,
	       "the device's EOI counter went up by the guest's %u EOIs (0x%x -> 0x%x)", eois_done,
	       eois0, eois1);
	tap_ok(mmio_read32(db + DB_STATUS) == 0 && !gic_is_pending(intid) &&
		       !gic_is_active(intid) && unexpected == 0,
	       "at the end: STATUS 0, INTID %u neither pending nor active, nothing unexpected",
	       intid);
	gic_disable(intid);
}
