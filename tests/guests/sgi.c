/*
 * sgi.c - test guest: SGIs between all vCPUs through ICC_SGI1R_EL1 (GICv2: GICD_SGIR, with
 * TargetListFilter 1 for the broadcast and 2 for self). Every vCPU i sends
 * SGI i to every other vCPU, one write per target; then SGI 4+i to all others in one
 * TargetList write (which also names a CPU that does not exist); then, one vCPU at a time,
 * a broadcast (IRM=1) of SGI 8 that must reach every other vCPU and not the sender; then
 * SGI 15 to itself. Each handler counts per SGI, so the counts must be exact: SGI pending
 * state is a latch, and the phases are arranged so no two sends of one SGI to one target
 * can merge. On a GICv2 also: every SGI shows its sender in GICC_IAR[12:10], and SGI 12
 * pended from several sources through GICD_SPENDSGIR, one source cleared through
 * GICD_CPENDSGIR, is delivered once per remaining source.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 8
#define NR_TESTS_V2 2	 /* source CPU; SPENDSGIR/CPENDSGIR */
#define SGI_ONE_BY_ONE 0 /* + sender: 0..3 */
#define SGI_LIST 4	 /* + sender: 4..7 */
#define SGI_BROADCAST 8
#define SGI_SELF 15
#define SGI_PENDSGIR 12
#define MAX_SENDERS 4
#define SETTLE_US 2000
#define DELIVERY_TIMEOUT_US 2000000

const char guest_name[] = "sgi";

/* received[cpu][sgi]: deliveries of each SGI on each CPU */
static volatile uint32_t received[GUEST_MAX_CPUS][GIC_NR_SGIS];
/* bcast_seen[cpu][turn]: broadcasts delivered to cpu while turn was broadcasting */
static volatile uint32_t bcast_seen[GUEST_MAX_CPUS][GUEST_MAX_CPUS];
static volatile uint32_t bcast_turn;
static volatile uint32_t unexpected[GUEST_MAX_CPUS];
static volatile uint32_t timeouts[GUEST_MAX_CPUS];
/* GICv2: SGIs whose GICC_IAR.CPUID was not their sender's; SGI 12 by source */
static volatile uint32_t bad_source[GUEST_MAX_CPUS];
static volatile uint32_t pend_src[GUEST_MAX_CPUS][GICV2_MAX_CPUS];
static bool pendsgir_ok[GUEST_MAX_CPUS];

/* The CPU interface number of logical CPU cpu (GICv2) */
static unsigned int iface(unsigned int cpu)
{
	return (unsigned int)__builtin_ctz(gicv2_cpu_mask(cpu));
}

/* The vCPU that sent an SGI of each phase to cpu */
static unsigned int sender_of(uint32_t intid, unsigned int cpu)
{
	if (intid < SGI_LIST)
		return intid - SGI_ONE_BY_ONE;
	if (intid < SGI_BROADCAST)
		return intid - SGI_LIST;
	if (intid == SGI_BROADCAST)
		return READ_ONCE(bcast_turn);
	return cpu;
}

static void sgi_handler(uint32_t intid)
{
	unsigned int cpu = this_cpu();

	if (gic_is_v2() && intid == SGI_PENDSGIR) {
		pend_src[cpu][gic_sgi_source(intid) % GICV2_MAX_CPUS]++;
	} else if (intid < GIC_NR_SGIS) {
		if (gic_is_v2() && gic_sgi_source(intid) != iface(sender_of(intid, cpu))) {
			tap_diag("cpu%u: SGI %u from cpu%u: GICC_IAR.CPUID %u, want %u", cpu, intid,
				 sender_of(intid, cpu), gic_sgi_source(intid),
				 iface(sender_of(intid, cpu)));
			bad_source[cpu]++;
		}
		received[cpu][intid]++;
		if (intid == SGI_BROADCAST)
			bcast_seen[cpu][READ_ONCE(bcast_turn)]++;
	} else {
		unexpected[cpu]++;
	}
	gic_eoi(intid);
}

/* Waits until this CPU has count deliveries of sgi. */
static void wait_received(unsigned int sgi, uint32_t count)
{
	unsigned int cpu = this_cpu();

	if (!wait_until(READ_ONCE(received[cpu][sgi]) >= count, DELIVERY_TIMEOUT_US))
		timeouts[cpu]++;
}

/*
 * Phase 5 (GICv2): with IRQs masked, SGI 12 pended on this CPU from every vCPU's interface
 * with one byte write to GICD_SPENDSGIR, the last vCPU's cleared through GICD_CPENDSGIR;
 * unmasked, one delivery per remaining source, then nothing pending.
 */
static void pendsgir_phase(void)
{
	unsigned int me = this_cpu();
	uintptr_t spend = plat.gicd + GICD_SPENDSGIR + SGI_PENDSGIR;
	uintptr_t cpend = plat.gicd + GICD_CPENDSGIR + SGI_PENDSGIR;
	uint8_t all = 0, last = gicv2_cpu_mask(plat.ncpus - 1);
	uint8_t set, cleared, after, pend_after;
	bool pending, ok;
	unsigned int cpu;

	for (cpu = 0; cpu < plat.ncpus; cpu++)
		all |= gicv2_cpu_mask(cpu);
	local_irq_disable();
	mmio_write8(spend, all);
	set = mmio_read8(spend);
	mmio_write8(cpend, last);
	cleared = mmio_read8(cpend);
	pending = gic_is_pending(SGI_PENDSGIR);
	local_irq_enable();
	udelay(SETTLE_US);
	after = mmio_read8(spend);
	pend_after = gic_is_pending(SGI_PENDSGIR);
	ok = set == all && cleared == (all & ~last) && pending && !after && !pend_after;
	for (cpu = 0; cpu < plat.ncpus; cpu++)
		if (pend_src[me][iface(cpu)] != (cpu != plat.ncpus - 1))
			ok = false;
	if (!ok)
		tap_diag("cpu%u: SPENDSGIR 0x%02x wrote, read 0x%02x; after CPENDSGIR 0x%02x read "
			 "0x%02x, ISPENDR0 %d; delivered from interfaces 0..3: %u %u %u %u; then "
			 "SPENDSGIR 0x%02x, ISPENDR0 %d",
			 me, all, set, last, cleared, pending, pend_src[me][0], pend_src[me][1],
			 pend_src[me][2], pend_src[me][3], after, pend_after);
	pendsgir_ok[me] = ok;
	smp_barrier();
}

static void sgi_worker(uint64_t ctx)
{
	unsigned int me = this_cpu();
	unsigned int n = plat.ncpus;
	unsigned int cpu, turn;
	uint64_t list = 0;

	(void)ctx;
	set_irq_handler(sgi_handler);
	local_irq_enable();
	smp_barrier();

	/* Phase 1: SGI <me> to each other CPU, one ICC_SGI1R_EL1 write per target. */
	for (cpu = 0; cpu < n; cpu++)
		if (cpu != me)
			gic_send_sgi(SGI_ONE_BY_ONE + me, cpu);
	for (cpu = 0; cpu < n; cpu++)
		if (cpu != me)
			wait_received(SGI_ONE_BY_ONE + cpu, 1);
	smp_barrier();

	/*
	 * Phase 2: SGI 4+me to all other CPUs in one write per affinity group. On QEMU virt
	 * all CPUs share Aff1..3, so it is one write, with one more TargetList bit for an Aff0
	 * that has no CPU: it must be ignored.
	 */
	for (cpu = 0; cpu < n; cpu++)
		if (cpu != me &&
		    (plat.mpidr[cpu] & ~MPIDR_AFF0_MASK) == (plat.mpidr[me] & ~MPIDR_AFF0_MASK))
			list |= BIT(MPIDR_AFF0(plat.mpidr[cpu]) & 0xf);
	if (gic_is_v2()) {
		/* one GICD_SGIR write; a CPU interface no CPU has is named too */
		for (cpu = 0, list = 0; cpu < n; cpu++)
			if (cpu != me)
				list |= gicv2_cpu_mask(cpu);
		for (cpu = 0; cpu < GICV2_MAX_CPUS; cpu++)
			if (!(list & BIT(cpu)) && cpu != iface(me)) {
				list |= BIT(cpu);
				break;
			}
		gicv2_write_sgir((uint32_t)list << GICD_SGIR_TARGET_SHIFT | (SGI_LIST + me));
	} else {
		if (n < GIC_NR_SGIS)
			list |= BIT(n); /* Aff0 n: no such CPU */
		gic_write_sgi1r(MPIDR_AFF3(plat.mpidr[me]) << ICC_SGI1R_AFF3_SHIFT |
				MPIDR_AFF2(plat.mpidr[me]) << ICC_SGI1R_AFF2_SHIFT |
				MPIDR_AFF1(plat.mpidr[me]) << ICC_SGI1R_AFF1_SHIFT |
				(uint64_t)(SGI_LIST + me) << ICC_SGI1R_INTID_SHIFT | list);
	}
	for (cpu = 0; cpu < n; cpu++)
		if (cpu != me)
			wait_received(SGI_LIST + cpu, 1);
	smp_barrier();

	/* Phase 3: one broadcaster at a time, so broadcasts to one target never merge. */
	for (turn = 0; turn < n; turn++) {
		if (turn == me) {
			WRITE_ONCE(bcast_turn, turn);
			gic_send_sgi_others(SGI_BROADCAST);
		}
		wait_received(SGI_BROADCAST, me < turn ? turn : (me > turn ? turn + 1 : turn));
		udelay(SETTLE_US); /* time for a wrong delivery to the sender to show */
		smp_barrier();
	}

	/* Phase 4: SGI 15 to itself (GICv2: TargetListFilter 2). */
	if (gic_is_v2())
		gicv2_write_sgir(GICD_SGIR_FILTER_SELF << GICD_SGIR_FILTER_SHIFT | SGI_SELF);
	else
		gic_send_sgi(SGI_SELF, me);
	wait_received(SGI_SELF, 1);
	udelay(SETTLE_US);
	smp_barrier();
	if (gic_is_v2())
		pendsgir_phase();
	local_irq_disable();
	smp_barrier();
}

/*
 * Per-sender SGIs (base + sender): once from each other CPU, never from itself. Otherwise
 * (total != 0) SGI base exactly total times on every CPU.
 */
static bool check_phase(unsigned int base, uint32_t total, const char *what)
{
	unsigned int n = plat.ncpus;
	unsigned int cpu, s;
	bool ok = true;

	for (cpu = 0; cpu < n; cpu++) {
		for (s = 0; s < (total ? 1 : MAX_SENDERS); s++) {
			uint32_t want = total ? total : (s < n && s != cpu);
			uint32_t got = received[cpu][base + s];

			if (got != want) {
				tap_diag("%s: cpu%u got SGI %u %u times, expected %u", what, cpu,
					 base + s, got, want);
				ok = false;
			}
		}
	}
	return ok;
}

void guest_main(void)
{
	unsigned int n = plat.ncpus;
	unsigned int cpu, turn;
	bool ok;

	tap_plan(NR_TESTS + (gic_is_v2() ? NR_TESTS_V2 : 0));
	tap_check_dtb();
	ok = n <= MAX_SENDERS && n >= 2;
	tap_ok(ok, "%u vCPUs (2..%u): each sender has its own SGI number", n, MAX_SENDERS);
	if (!ok)
		n = plat.ncpus = n > MAX_SENDERS ? MAX_SENDERS : n;
	tap_ok(cpu_start_all(sgi_worker, 0), "all %u vCPUs started with PSCI CPU_ON and online", n);
	sgi_worker(0);

	tap_ok(check_phase(SGI_ONE_BY_ONE, 0, "one by one"),
	       "every vCPU got SGI <sender> exactly once from each other vCPU (one write per "
	       "target)");
	tap_ok(check_phase(SGI_LIST, 0, "target list"),
	       "one TargetList write reaches each named vCPU exactly once; the bit for a "
	       "non-existent CPU is ignored");
	ok = check_phase(SGI_BROADCAST, n - 1, "broadcast");
	for (turn = 0; turn < n; turn++)
		for (cpu = 0; cpu < n; cpu++)
			if (bcast_seen[cpu][turn] != (cpu != turn)) {
				tap_diag("broadcast by cpu%u: cpu%u saw it %u times", turn, cpu,
					 bcast_seen[cpu][turn]);
				ok = false;
			}
	tap_ok(ok,
	       "a broadcast (%s) from each vCPU reaches every other vCPU once, never the sender",
	       gic_is_v2() ? "GICD_SGIR TargetListFilter 1" : "IRM=1");
	tap_ok(check_phase(SGI_SELF, 1, "self"), "SGI to self%s, once on each vCPU",
	       gic_is_v2() ? " (GICD_SGIR TargetListFilter 2)" : "");
	if (gic_is_v2()) {
		ok = true;
		for (cpu = 0; cpu < n; cpu++)
			if (bad_source[cpu])
				ok = false;
		tap_ok(ok, "GICC_IAR[12:10] names the sending vCPU's CPU interface for every SGI "
			   "of the four phases");
		ok = true;
		for (cpu = 0; cpu < n; cpu++)
			if (!pendsgir_ok[cpu])
				ok = false;
		tap_ok(ok,
		       "SGI 12 pended from %u sources by a GICD_SPENDSGIR byte, one cleared "
		       "by GICD_CPENDSGIR: delivered once per remaining source on each vCPU",
		       n);
	}
	ok = true;
	for (cpu = 0; cpu < n; cpu++) {
		if (unexpected[cpu] || timeouts[cpu]) {
			tap_diag("cpu%u: %u unexpected interrupts, %u waits timed out", cpu,
				 unexpected[cpu], timeouts[cpu]);
			ok = false;
		}
		if (irq_spurious[cpu])
			tap_diag("cpu%u: %u spurious acknowledges (1020-1023)", cpu,
				 irq_spurious[cpu]);
	}
	tap_ok(ok, "no unexpected interrupt and no delivery timed out");
}
