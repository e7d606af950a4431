/*
 * abort.c - test guest: an access to an address nobody owns (0x0b100000, next to skiff's
 * doorbell page) must come back to the guest as a synchronous external abort: ESR_EL1
 * EC 0x25 (data abort, same EL), DFSC 0x10, WnR as the access, FAR_EL1 the address. The
 * EL1 sync vector reports it and skips the instruction; afterwards the guest still runs
 * (an SGI round trip) and took exactly one exception per access. Under skiff all of this
 * is required; natively QEMU decides: matching results pass, others are skipped. And the page
 * the boot loader left the host's device tree in either aborts (not the guest's RAM) or reads
 * as zeros (skiff zeroed it): the guest reads nothing of the host's description.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 7
#define UNOWNED_ADDR 0x0b100000UL
#define LOADER_DTB 0x40000000UL /* where QEMU's firmware boot leaves the host's device tree */
#define LOADER_DTB_CHECK 4096
#define SGI_PING 7
#define TIMEOUT_US 2000000
#define INSN_SIZE 4

const char guest_name[] = "abort";

struct abort_record {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
};

static volatile uint32_t naborts;
static struct abort_record last;
static volatile uint32_t pings;

static bool abort_hook(struct exc_frame *frame, uint64_t esr, uint64_t far)
{
	if (esr_ec(esr) != ESR_EC_DABT_CUR)
		return false;
	last.esr = esr;
	last.far = far;
	last.elr = frame->elr;
	naborts++;
	frame->elr += INSN_SIZE;
	return true;
}

static void ping_handler(uint32_t intid)
{
	if (intid == SGI_PING)
		pings++;
	gic_eoi(intid);
}

enum access { READ32, WRITE32, READ64 };

static void do_access(enum access a, uintptr_t addr)
{
	uint64_t v = 0;

	switch (a) {
	case READ32:
		v = mmio_read32(addr);
		break;
	case WRITE32:
		mmio_write32(addr, 0x5a5a5a5a);
		break;
	case READ64:
		v = mmio_read64(addr);
		break;
	}
	(void)v;
}

static void test_access(enum access a, uintptr_t addr, const char *what)
{
	uint32_t before = naborts;
	bool taken, right;
	unsigned int dfsc, wnr;

	do_access(a, addr);
	taken = naborts == before + 1;
	dfsc = (unsigned int)(last.esr & ESR_ISS_DFSC_MASK);
	wnr = !!(last.esr & ESR_ISS_WNR);
	right = taken && esr_ec(last.esr) == ESR_EC_DABT_CUR && dfsc == DFSC_SYNC_EXT_ABORT &&
		wnr == (a == WRITE32) && !(last.esr & ESR_ISS_FNV) && last.far == addr;
	if (!plat.skiff && !right) {
		tap_skip_native("%s of 0x%lx: QEMU itself %s (ESR 0x%llx FAR 0x%llx)", what,
				(unsigned long)addr,
				taken ? "aborts differently" : "does not abort",
				(unsigned long long)last.esr, (unsigned long long)last.far);
		return;
	}
	tap_ok(right,
	       "%s of unowned 0x%lx: synchronous external abort, EC 0x%x DFSC 0x%x WnR %u FAR "
	       "0x%llx, skipped",
	       what, (unsigned long)addr, taken ? esr_ec(last.esr) : 0, taken ? dfsc : 0,
	       taken ? wnr : 0, (unsigned long long)(taken ? last.far : 0));
}

/* The page QEMU's firmware boot put the host's device tree in: an abort if it is not this
 * guest's RAM, zeros if it is (skiff zeroed it); never the tree. */
static void test_loader_dtb_unreadable(void)
{
	const volatile uint64_t *p = (const volatile uint64_t *)LOADER_DTB;
	uint32_t before = naborts;
	uint64_t any = 0;
	unsigned int i;

	if (!plat.skiff) {
		tap_skip_native("the host's device tree is the guest's own natively");
		return;
	}
	set_sync_hook(abort_hook);
	for (i = 0; i < LOADER_DTB_CHECK / sizeof(*p) && naborts == before; i++)
		any |= p[i];
	set_sync_hook(NULL);
	tap_ok(naborts != before || any == 0,
	       "the page that held the host's device tree (0x%lx) %s", LOADER_DTB,
	       naborts != before ? "aborts"
	       : any		 ? "still holds data"
				 : "reads as zeros");
}

void guest_main(void)
{
	bool pinged;

	tap_plan(NR_TESTS);
	tap_check_dtb();
	set_sync_hook(abort_hook);
	test_access(READ32, UNOWNED_ADDR, "32-bit read");
	test_access(WRITE32, UNOWNED_ADDR + 4, "32-bit write");
	test_access(READ64, UNOWNED_ADDR + 8, "64-bit read");
	set_sync_hook(NULL);
	tap_ok(naborts == 3 || !plat.skiff, "exactly one exception per access (%u for 3)", naborts);

	set_irq_handler(ping_handler);
	local_irq_enable();
	gic_send_sgi(SGI_PING, this_cpu());
	pinged = wait_until(pings == 1, TIMEOUT_US);
	local_irq_disable();
	tap_ok(pinged, "the guest keeps running after the aborts: an SGI round trip works");
	test_loader_dtb_unreadable();
}
