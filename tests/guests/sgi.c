/*
 * sgi.c - test guest: SGIs between all vCPUs through ICC_SGI1R_EL1. Every vCPU i sends
 * SGI i to every other vCPU, one write per target; then SGI 4+i to all others in one
 * TargetList write (which also names a CPU that does not exist); then, one vCPU at a time,
 * a broadcast (IRM=1) of SGI 8 that must reach every other vCPU and not the sender; then
 * SGI 15 to itself. Each handler counts per SGI, so the counts must be exact: SGI pending
 * state is a latch, and the phases are arranged so no two sends of one SGI to one target
 * can merge.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 8
#define SGI_ONE_BY_ONE 0 /* + sender: 0..3 */
#define SGI_LIST 4	 /* + sender: 4..7 */
#define SGI_BROADCAST 8
#define SGI_SELF 15
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

static void sgi_handler(uint32_t intid)
{
	unsigned int cpu = this_cpu();

	if (intid < GIC_NR_SGIS) {
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
	if (n < GIC_NR_SGIS)
		list |= BIT(n); /* Aff0 n: no such CPU */
	gic_write_sgi1r(MPIDR_AFF3(plat.mpidr[me]) << ICC_SGI1R_AFF3_SHIFT |
			MPIDR_AFF2(plat.mpidr[me]) << ICC_SGI1R_AFF2_SHIFT |
			MPIDR_AFF1(plat.mpidr[me]) << ICC_SGI1R_AFF1_SHIFT |
			(uint64_t)(SGI_LIST + me) << ICC_SGI1R_INTID_SHIFT | list);
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

	/* Phase 4: SGI 15 to itself. */
	gic_send_sgi(SGI_SELF, me);
	wait_received(SGI_SELF, 1);
	udelay(SETTLE_US);
	smp_barrier();
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

	tap_plan(NR_TESTS);
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
	tap_ok(ok, "a broadcast (IRM=1) from each vCPU reaches every other vCPU once, never the "
		   "sender");
	tap_ok(check_phase(SGI_SELF, 1, "self"), "SGI to self, once on each vCPU");
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
