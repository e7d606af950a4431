/*
 * hostile.c - test guest that tries everything a guest can try against its hypervisor and the
 * guests beside it, and checks each answer as it goes. A seeded stream of pseudo-random
 * operations runs on every vCPU (each its own xoshiro256** stream from the seed and its CPU
 * index; ops= operations in all, split evenly):
 *  - loads and stores of every width, unaligned, straddling into a denied page, pairs,
 *    exclusives, acquire/release, writeback and DC ZVA, to the ranges bootargs deny=
 *    names and to random addresses of the 4 GiB its stage 1 maps that are neither its RAM,
 *    nor its devices, nor its GIC frames; branches there: each must end in a synchronous
 *    external abort (EC 0x25/0x21, DFSC 0x10), or an alignment fault (DFSC 0x21) of its own
 *    stage 1 for unaligned Device accesses, or a stage-1 permission fault for a fetch from
 *    Device memory (execute-never). An access that completes there is a leak;
 *  - random values written to every 4-byte offset of the GICD frame and of its own
 *    redistributor frames (a sweep per vCPU), random accesses of every width there: they
 *    complete or abort, never anything else; accesses to the redistributor frames just past
 *    its own must abort, and the state of every SPI that is not its own (its device tree
 *    says which are) must read 0 in GICD_IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER, IPRIORITYR
 *    and IROUTER;
 *  - MRS/MSR of every ICC_* register with random values: the defined direction completes,
 *    the other (and an ICC_AP*Rn the interface does not implement) is UNDEFINED; MRS/MSR of
 *    EL2 and EL3 registers: UNDEFINED (EC 0x00);
 *  - HVC and SMC with random function IDs (uniform, and near the PSCI, SMCCC and skiff
 *    ranges) and arguments: x0 is a defined SMCCC/PSCI return, never an exception; PSCI
 *    naming CPUs that are not its own: INVALID_PARAMETERS; CPU_ON of its own vCPUs with an
 *    entry outside its RAM: ALREADY_ON or INVALID_ADDRESS.
 * It never calls what would end or restart it (CPU_OFF, SYSTEM_OFF/RESET/RESET2/OFF2,
 * CPU_FREEZE, CPU_DEFAULT_SUSPEND, SYSTEM_SUSPEND, CPU_SUSPEND to a powerdown state, QEMU's
 * PSCI 0.1 IDs), never lets a call write into its RAM but a scratch buffer, and never touches
 * its own RAM, devices or console through the stream. Its own GIC state ends up wrecked on
 * purpose: it runs with interrupts masked and never depends on them.
 *
 * Bootargs: deny=NAME:BASE+SIZE,... (hex), ops=N (default 1000000; vCPU c runs N / vCPUs,
 * the first N % vCPUs one more), seed=N (default: from the counter), seconds=N (stop the
 * streams after N seconds even if fewer ops ran; default: no limit). vCPU c's stream depends
 * only on the seed and c: its op n is the same whatever ops= says, so a failure reported as
 * "cpuC op N" comes back with the same seed, the same vCPU count and ops >= (N + 1) * vCPUs.
 * Output: "# hostile: seed 0x...", the plan, progress "# hostile: N/M ops, leaks L" every
 * 100000 ops, the first few failures "# hostile: LEAK cpuC op N: ..." or
 * "# hostile: FAIL cpuC op N: ...", "# hostile: counts: ..." lines, "# hostile: cpuC ran N of
 * its M ops", one TAP line per kind of check, "# hostile: done after N ops, seed 0x...",
 * "# hostile: leaks N", then SYSTEM_OFF.
 * Natively (no skiff) the denied ranges are its own RAM and devices: stores there and
 * branches into RAM are not executed, and the isolation checks are SKIP native; the stream
 * still runs to the end.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/printf.h"
#include "tests/guests/lib/devices.h"
#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 16
#define DEFAULT_OPS 1000000ULL
#define PROGRESS_EVERY 100000ULL
#define MAX_DENY 16
#define DENY_ARG_MAX 1024
#define MAX_REPORTS 12
#define PAGE_SIZE 0x1000ULL
#define ADDR_SPACE (4ULL << 30) /* what the runtime's stage 1 maps */
#define GICD_SIZE 0x10000U
#define GICR_FRAME 0x10000U
#define PAST_FRAMES 8 /* redistributor frames past its own that it aims at mostly */
#define SCRATCH_SIZE 4096
#define STALL_US 60000000ULL /* a vCPU that makes no progress for this long has hung */
#define SPSR_EL1H_MASKED 0x3c5
#define ESR_EC_IABT_CUR 0x21
#define FSC_ALIGNMENT 0x21
#define FSC_PERM_FIRST 0x0c /* permission fault, level 0..3 */
#define FSC_PERM_LAST 0x0f
#define DCZID_DZP BIT(4)
#define DCZID_BS_MASK 0xfU
#define ICC_CTLR_PRIBITS(v) ((((v) >> 8) & 7U) + 1)
#define GICR_CTLR_ENABLE_LPIS BIT(0)
#define MAIR_IDX_NORMAL 2
#define PTE_ATTR_IDX(d) (((d) >> 2) & 7U)
#define TTBR_BADDR_MASK 0x0000fffffffff000ULL
#define ISR_EL1_A BIT(8)

/* SMCCC function IDs (DEN0028) and the parts of them it looks at */
#define SMCCC_64 0x40000000U
#define FN_PSCI32 0x84000000U
#define FN_PSCI64 0xc4000000U
#define FN_PSCI_LAST_OFF 0x1fU
#define FN_ARCH 0x80000000U
#define FN_ARCH_LAST 0x8000ffffU
#define PSCI_CPU_SUSPEND 0x84000001U
#define PSCI_CPU_ON 0x84000003U
#define PSCI_AFFINITY_INFO 0x84000004U
#define PSCI_MIGRATE 0x84000005U
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007U
#define PSCI_SUSPEND_POWERDOWN (BIT(16) | BIT(30)) /* original and extended StateType */
#define QEMU_PSCI_0_1_FIRST 0x95c1ba5eU		   /* QEMU's PSCI 0.1 CPU_SUSPEND .. MIGRATE */
#define QEMU_PSCI_0_1_LAST 0x95c1ba61U
#define SMCCC_ARCH_SOC_ID 0x80000002U
#define MPIDR_OUTSIDE_AFF 0xff000000UL

const char guest_name[] = "hostile";

/* ---- the probes (hostile_probes.S) */
struct probe_ret {
	uint64_t v0;
	uint64_t v1;
};

typedef struct probe_ret (*probe_fn)(uint64_t addr, uint64_t v, uint64_t v2);
typedef uint64_t (*mrs_fn)(uint64_t sentinel);
typedef void (*msr_fn)(uint64_t v);
typedef void (*call_fn)(uint64_t regs[8]);

extern char probe_start[], probe_end[], probe_branch_ret[], probe_branch_recover[];
uint64_t probe_branch(uint64_t target);

#define PROBE(n) struct probe_ret probe_##n(uint64_t addr, uint64_t v, uint64_t v2)
PROBE(ldrb);
PROBE(ldrh);
PROBE(ldr_w);
PROBE(ldr_x);
PROBE(ldrsb);
PROBE(ldrsh);
PROBE(ldrsw);
PROBE(ldar_x);
PROBE(ldar_w);
PROBE(ldxr_x);
PROBE(ldxr_w);
PROBE(ldp_x);
PROBE(ldp_w);
PROBE(ldr_pre);
PROBE(ldr_post);
PROBE(strb);
PROBE(strh);
PROBE(str_w);
PROBE(str_x);
PROBE(stlr_x);
PROBE(stlr_w);
PROBE(stp_x);
PROBE(stp_w);
PROBE(str_pre);
PROBE(str_post);
PROBE(dc_zva);
PROBE(stxr_x);
PROBE(stxr_w);

#define SYSREG_PROBES(n)                  \
	uint64_t probe_mrs_##n(uint64_t); \
	void probe_msr_##n(uint64_t)
SYSREG_PROBES(icc_pmr);
SYSREG_PROBES(icc_iar0);
SYSREG_PROBES(icc_eoir0);
SYSREG_PROBES(icc_hppir0);
SYSREG_PROBES(icc_bpr0);
SYSREG_PROBES(icc_ap0r0);
SYSREG_PROBES(icc_ap0r1);
SYSREG_PROBES(icc_ap0r2);
SYSREG_PROBES(icc_ap0r3);
SYSREG_PROBES(icc_ap1r0);
SYSREG_PROBES(icc_ap1r1);
SYSREG_PROBES(icc_ap1r2);
SYSREG_PROBES(icc_ap1r3);
SYSREG_PROBES(icc_dir);
SYSREG_PROBES(icc_rpr);
SYSREG_PROBES(icc_sgi1r);
SYSREG_PROBES(icc_asgi1r);
SYSREG_PROBES(icc_sgi0r);
SYSREG_PROBES(icc_iar1);
SYSREG_PROBES(icc_eoir1);
SYSREG_PROBES(icc_hppir1);
SYSREG_PROBES(icc_bpr1);
SYSREG_PROBES(icc_ctlr);
SYSREG_PROBES(icc_sre);
SYSREG_PROBES(icc_igrpen0);
SYSREG_PROBES(icc_igrpen1);
SYSREG_PROBES(hcr_el2);
SYSREG_PROBES(mdcr_el2);
SYSREG_PROBES(cptr_el2);
SYSREG_PROBES(sctlr_el2);
SYSREG_PROBES(vttbr_el2);
SYSREG_PROBES(vtcr_el2);
SYSREG_PROBES(vmpidr_el2);
SYSREG_PROBES(spsr_el2);
SYSREG_PROBES(elr_el2);
SYSREG_PROBES(sp_el1);
SYSREG_PROBES(esr_el2);
SYSREG_PROBES(vbar_el2);
SYSREG_PROBES(tpidr_el2);
SYSREG_PROBES(cnthctl_el2);
SYSREG_PROBES(cntvoff_el2);
SYSREG_PROBES(ich_ap1r0_el2);
SYSREG_PROBES(icc_sre_el2);
SYSREG_PROBES(ich_hcr_el2);
SYSREG_PROBES(ich_vmcr_el2);
SYSREG_PROBES(ich_lr0_el2);
SYSREG_PROBES(scr_el3);
SYSREG_PROBES(sp_el2);
SYSREG_PROBES(vbar_el3);
SYSREG_PROBES(icc_ctlr_el3);
SYSREG_PROBES(icc_sre_el3);

void probe_hvc_0(uint64_t regs[8]);
void probe_hvc_1(uint64_t regs[8]);
void probe_hvc_ffff(uint64_t regs[8]);
void probe_smc_0(uint64_t regs[8]);
void probe_smc_1(uint64_t regs[8]);

/* ---- forms of memory access */
enum form_kind {
	F_LOAD,
	F_STORE,
	F_LDXR,
	F_STXR, /* LDXR then STXR */
	F_LOAD_PRE,
	F_LOAD_POST,
	F_STORE_PRE,
	F_STORE_POST,
	F_DC_ZVA,
};

struct form {
	const char *name;
	probe_fn fn;
	uint8_t size;  /* bytes accessed (DC ZVA: the block size, set at start) */
	uint8_t align; /* alignment each element needs on Device memory */
	uint8_t kind;
	bool store;
	bool pair;
};

static struct form forms[] = {
	{ "LDRB", probe_ldrb, 1, 1, F_LOAD, false, false },
	{ "LDRH", probe_ldrh, 2, 2, F_LOAD, false, false },
	{ "LDR W", probe_ldr_w, 4, 4, F_LOAD, false, false },
	{ "LDR X", probe_ldr_x, 8, 8, F_LOAD, false, false },
	{ "LDRSB", probe_ldrsb, 1, 1, F_LOAD, false, false },
	{ "LDRSH", probe_ldrsh, 2, 2, F_LOAD, false, false },
	{ "LDRSW", probe_ldrsw, 4, 4, F_LOAD, false, false },
	{ "LDAR X", probe_ldar_x, 8, 8, F_LOAD, false, false },
	{ "LDAR W", probe_ldar_w, 4, 4, F_LOAD, false, false },
	{ "LDXR X", probe_ldxr_x, 8, 8, F_LDXR, false, false },
	{ "LDXR W", probe_ldxr_w, 4, 4, F_LDXR, false, false },
	{ "LDP X", probe_ldp_x, 16, 8, F_LOAD, false, true },
	{ "LDP W", probe_ldp_w, 8, 4, F_LOAD, false, true },
	{ "LDR X pre-index", probe_ldr_pre, 8, 8, F_LOAD_PRE, false, false },
	{ "LDR X post-index", probe_ldr_post, 8, 8, F_LOAD_POST, false, false },
	{ "STRB", probe_strb, 1, 1, F_STORE, true, false },
	{ "STRH", probe_strh, 2, 2, F_STORE, true, false },
	{ "STR W", probe_str_w, 4, 4, F_STORE, true, false },
	{ "STR X", probe_str_x, 8, 8, F_STORE, true, false },
	{ "STLR X", probe_stlr_x, 8, 8, F_STORE, true, false },
	{ "STLR W", probe_stlr_w, 4, 4, F_STORE, true, false },
	{ "STP X", probe_stp_x, 16, 8, F_STORE, true, true },
	{ "STP W", probe_stp_w, 8, 4, F_STORE, true, true },
	{ "STR X pre-index", probe_str_pre, 8, 8, F_STORE_PRE, true, false },
	{ "STR X post-index", probe_str_post, 8, 8, F_STORE_POST, true, false },
	{ "STXR X", probe_stxr_x, 8, 8, F_STXR, true, false },
	{ "STXR W", probe_stxr_w, 4, 4, F_STXR, true, false },
	{ "DC ZVA", probe_dc_zva, 64, 64, F_DC_ZVA, true, false },
};

#define NR_FORMS ARRAY_SIZE(forms)
#define NR_PLAIN_FORMS 4     /* LDRB, LDRH, LDR W, LDR X */
#define FIRST_PLAIN_STORE 15 /* STRB, STRH, STR W, STR X */
#define FORM_LDP_W 12
#define FORM_STR_W 17
#define FORM_STP_W 22

/* ---- system registers */
enum sysreg_dir { RW, RO, WO };

struct sysreg {
	const char *name;
	mrs_fn mrs;
	msr_fn msr;
	uint8_t dir;
	int8_t apr; /* n of ICC_AP*Rn, else -1 */
};

#define SYSREG(n, d, a)                                \
	{                                              \
#n, probe_mrs_##n, probe_msr_##n, d, a \
	}
static const struct sysreg icc_regs[] = {
	SYSREG(icc_pmr, RW, -1),     SYSREG(icc_iar0, RO, -1),	  SYSREG(icc_eoir0, WO, -1),
	SYSREG(icc_hppir0, RO, -1),  SYSREG(icc_bpr0, RW, -1),	  SYSREG(icc_ap0r0, RW, 0),
	SYSREG(icc_ap0r1, RW, 1),    SYSREG(icc_ap0r2, RW, 2),	  SYSREG(icc_ap0r3, RW, 3),
	SYSREG(icc_ap1r0, RW, 0),    SYSREG(icc_ap1r1, RW, 1),	  SYSREG(icc_ap1r2, RW, 2),
	SYSREG(icc_ap1r3, RW, 3),    SYSREG(icc_dir, WO, -1),	  SYSREG(icc_rpr, RO, -1),
	SYSREG(icc_sgi1r, WO, -1),   SYSREG(icc_asgi1r, WO, -1),  SYSREG(icc_sgi0r, WO, -1),
	SYSREG(icc_iar1, RO, -1),    SYSREG(icc_eoir1, WO, -1),	  SYSREG(icc_hppir1, RO, -1),
	SYSREG(icc_bpr1, RW, -1),    SYSREG(icc_ctlr, RW, -1),	  SYSREG(icc_sre, RW, -1),
	SYSREG(icc_igrpen0, RW, -1), SYSREG(icc_igrpen1, RW, -1),
};

static const struct sysreg el2_regs[] = {
	SYSREG(hcr_el2, RW, -1),       SYSREG(mdcr_el2, RW, -1),    SYSREG(cptr_el2, RW, -1),
	SYSREG(sctlr_el2, RW, -1),     SYSREG(vttbr_el2, RW, -1),   SYSREG(vtcr_el2, RW, -1),
	SYSREG(vmpidr_el2, RW, -1),    SYSREG(spsr_el2, RW, -1),    SYSREG(elr_el2, RW, -1),
	SYSREG(sp_el1, RW, -1),	       SYSREG(esr_el2, RW, -1),	    SYSREG(vbar_el2, RW, -1),
	SYSREG(tpidr_el2, RW, -1),     SYSREG(cnthctl_el2, RW, -1), SYSREG(cntvoff_el2, RW, -1),
	SYSREG(ich_ap1r0_el2, RW, -1), SYSREG(icc_sre_el2, RW, -1), SYSREG(ich_hcr_el2, RW, -1),
	SYSREG(ich_vmcr_el2, RW, -1),  SYSREG(ich_lr0_el2, RW, -1), SYSREG(scr_el3, RW, -1),
	SYSREG(sp_el2, RW, -1),	       SYSREG(vbar_el3, RW, -1),    SYSREG(icc_ctlr_el3, RW, -1),
	SYSREG(icc_sre_el3, RW, -1),
};

/* ---- kinds of check, each a TAP line */
enum check {
	CK_DENY,
	CK_UNOWNED,
	CK_IFETCH,
	CK_GICD,
	CK_SPI,
	CK_GICR,
	CK_GICR_PAST,
	CK_ICC,
	CK_EL2,
	CK_CALL,
	CK_PSCI,
	NR_CHECKS,
};

static const char *const check_names[NR_CHECKS] = {
	"denied ranges",     "unowned addresses", "instruction fetch",	  "GICD",
	"foreign SPI state", "own GICR frames",	  "GICR past own frames", "ICC registers",
	"EL2/EL3 registers", "HVC/SMC",		  "PSCI on other CPUs",
};

/* What a probe ended in */
enum outcome {
	O_COMPLETED,
	O_ABORT,   /* data abort, external (DFSC 0x10) */
	O_ALIGN,   /* data abort, alignment (DFSC 0x21) */
	O_IABT,	   /* instruction abort */
	O_UNDEF,   /* EC 0x00 */
	O_OTHER,   /* any other exception */
	O_DRY,	   /* not executed: natively it would hit its own RAM or devices */
	O_SKIPPED, /* not executed: the target is its own (a deny= range overlapping it) */
	NR_OUTCOMES,
};

/* Call returns, counted by value: 0 SUCCESS, 1..9 the error -1..-9, 10 any other value,
 * 11 an exception */
#define RET_OTHER 10
#define RET_EXCEPTION 11
#define NR_RETS 12

struct cpu_stats {
	uint64_t ops;
	uint64_t checked[NR_CHECKS];
	uint64_t failed[NR_CHECKS];
	uint64_t leaks[NR_CHECKS];
	uint64_t outcomes[NR_OUTCOMES];
	uint64_t rets[NR_RETS];
	uint64_t gicd_swept, gicr_swept;
	uint64_t unexpected; /* exceptions outside a probe, or stray ones */
} __attribute__((aligned(64)));

/* The exception hook's record of the probe in flight on one CPU */
struct fault_rec {
	volatile uint32_t n; /* exceptions taken */
	uint64_t esr, far, elr;
	volatile uint64_t branch_target; /* nonzero while a branch probe is in flight */
	volatile bool ran;		 /* the code at the branch target ran */
	uint32_t depth;
} __attribute__((aligned(64)));

struct rng {
	uint64_t s[4];
};

struct deny_range {
	char name[16];
	uint64_t base;
	uint64_t size;
	bool own; /* overlaps its own RAM or devices: not attacked (under skiff a harness error) */
	bool straddle_ok; /* the page below is free RAM or not its own: straddle into base */
};

struct frame_range {
	uint64_t base;
	uint64_t size;
};

static struct deny_range deny[MAX_DENY];
static unsigned int nr_deny;
static bool deny_bad;
static uint64_t seed;
static uint64_t total_ops;
static uint64_t deadline; /* counter value at which the streams stop (seconds=), or 0 */
static volatile uint32_t out_of_time;
static struct frame_range gicr_own[GUEST_MAX_CPUS];
static uint64_t gicr_own_words; /* 32-bit words in the own frames */
static uint64_t gicr_past_base, gicr_past_end;
static unsigned int nr_apr; /* ICC_AP*Rn implemented: 1, 2 or 4 */
static bool zva_ok;
static uint64_t dtb_size;
static const uint64_t *l1_table;
static struct cpu_stats stats[GUEST_MAX_CPUS];
static struct fault_rec rec[GUEST_MAX_CPUS];
static volatile uint64_t progress[GUEST_MAX_CPUS * 8]; /* one cache line each */
static volatile uint32_t finished[GUEST_MAX_CPUS];
static volatile uint32_t release;
static volatile uint32_t reports;
static char scratch[SCRATCH_SIZE] __attribute__((aligned(64)));

/* ---- pseudo-random numbers: splitmix64 seeds xoshiro256** (Blackman, Vigna) */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, unsigned int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t result = rotl(r->s[1] * 5, 7) * 9;
	uint64_t t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return result;
}

/* Uniform in [0, n) (n > 0), by the multiply-high method. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static bool rng_chance(struct rng *r, unsigned int percent)
{
	return rng_below(r, 100) < percent;
}

static void rng_seed(struct rng *r, uint64_t s, unsigned int cpu)
{
	uint64_t x = s ^ ((uint64_t)(cpu + 1) * 0xd1b54a32d192ed03ULL);
	unsigned int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/* A value of the kinds that find bugs: random, small, all ones, a sign bit, an address. */
static uint64_t rng_value(struct rng *r)
{
	switch (rng_below(r, 8)) {
	case 0:
		return rng_below(r, 16);
	case 1:
		return ~0ULL;
	case 2:
		return 1ULL << rng_below(r, 64);
	case 3:
		return rng_next(r) & 0xffffffffULL;
	default:
		return rng_next(r);
	}
}

/* ---- what is its own */
static bool overlaps(uint64_t a, uint64_t n, uint64_t base, uint64_t size)
{
	return a < base + size && base < a + n;
}

/* Is [a, a + n) inside one of its RAM ranges (as skiff checks a buffer)? */
static bool inside_own_ram(uint64_t a, uint64_t n)
{
	unsigned int i;

	if (a + n < a)
		return false;
	for (i = 0; i < dt_owned.nr_ram; i++)
		if (a >= dt_owned.ram[i].base &&
		    a + n <= dt_owned.ram[i].base + dt_owned.ram[i].size)
			return true;
	return !dt_owned.nr_ram && a >= plat.ram_base && a + n <= plat.ram_base + plat.ram_size;
}

static bool in_own_ram(uint64_t a, uint64_t n)
{
	unsigned int i;

	if (!dt_owned.nr_ram)
		return overlaps(a, n, plat.ram_base, plat.ram_size);
	for (i = 0; i < dt_owned.nr_ram; i++)
		if (overlaps(a, n, dt_owned.ram[i].base, dt_owned.ram[i].size))
			return true;
	return false;
}

/* The image (code, data, stacks) and the device tree: RAM it must not write even by halves. */
static bool in_busy_ram(uint64_t a, uint64_t n)
{
	return overlaps(a, n, plat.image_base, plat.image_end - plat.image_base) ||
	       overlaps(a, n, plat.dtb, dtb_size);
}

static bool in_own_gic(uint64_t a, uint64_t n)
{
	unsigned int i;

	if (overlaps(a, n, plat.gicd, GICD_SIZE))
		return true;
	for (i = 0; i < plat.ncpus; i++)
		if (gicr_own[i].size && overlaps(a, n, gicr_own[i].base, gicr_own[i].size))
			return true;
	return false;
}

/* Its devices' pages (stage 2 maps whole pages), its GICD and own GICR frames. */
static bool in_own_device(uint64_t a, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < dt_owned.nr_mmio; i++) {
		const struct dt_mmio *m = &dt_owned.mmio[i];
		uint64_t base = m->base & ~(PAGE_SIZE - 1);
		uint64_t end = (m->base + m->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

		if (!m->gic && overlaps(a, n, base, end - base))
			return true;
	}
	return in_own_gic(a, n);
}

static bool is_own(uint64_t a, uint64_t n)
{
	return in_own_ram(a, n) || in_own_device(a, n);
}

/* Its stage 1 maps the 1 GiB blocks with RAM as Normal memory, the others as Device. */
static bool normal_memory(uint64_t a)
{
	uint64_t desc = l1_table[(a >> 30) & 3];

	return PTE_ATTR_IDX(desc) == MAIR_IDX_NORMAL;
}

/* ---- the exception hook */
static void note(struct fault_rec *r, uint64_t esr, uint64_t far, uint64_t elr)
{
	if (!r->n) {
		r->esr = esr;
		r->far = far;
		r->elr = elr;
	}
	r->n++;
}

/*
 * Skips the instruction that faulted if it is a probe (ELR + 4, nothing else ever); brings a
 * branch probe back; refuses anything else, and any exception taken inside itself, so that
 * the runtime reports it and ends the run.
 */
static bool hostile_hook(struct exc_frame *frame, uint64_t esr, uint64_t far)
{
	struct fault_rec *r = &rec[this_cpu() % GUEST_MAX_CPUS];
	uintptr_t elr = frame->elr;
	bool handled = false;

	if (r->depth++) {
		r->depth--;
		return false;
	}
	if (elr >= (uintptr_t)probe_start && elr < (uintptr_t)probe_end) {
		note(r, esr, far, elr);
		frame->elr = elr + 4;
		handled = true;
	} else if (r->branch_target) {
		note(r, esr, far, elr);
		if (elr == r->branch_target && esr_ec(esr) == ESR_EC_IABT_CUR &&
		    frame->x[30] == (uintptr_t)probe_branch_ret) {
			frame->elr = frame->x[30];
		} else {
			/* the code at the target ran: take the probe's own stack back */
			r->ran = true;
			frame->elr = (uintptr_t)probe_branch_recover;
			frame->spsr = SPSR_EL1H_MASKED;
		}
		handled = true;
	}
	r->depth--;
	return handled;
}

static enum outcome outcome_of(const struct fault_rec *r)
{
	unsigned int ec, fsc;

	if (!r->n)
		return O_COMPLETED;
	ec = esr_ec(r->esr);
	fsc = (unsigned int)(r->esr & ESR_ISS_DFSC_MASK);
	if (ec == ESR_EC_DABT_CUR && fsc == DFSC_SYNC_EXT_ABORT)
		return O_ABORT;
	if (ec == ESR_EC_DABT_CUR && fsc == FSC_ALIGNMENT)
		return O_ALIGN;
	if (ec == ESR_EC_IABT_CUR)
		return O_IABT;
	if (ec == ESR_EC_UNKNOWN)
		return O_UNDEF;
	return O_OTHER;
}

/* ---- one operation in flight on one CPU */
struct op {
	struct rng rng;
	unsigned int cpu;
	uint64_t n; /* its number in this CPU's stream */
	struct cpu_stats *st;
	struct fault_rec *r;
	uint64_t gicd_sweep, gicr_sweep;
};

static void begin(struct op *op)
{
	op->r->n = 0;
	op->r->esr = 0;
	op->r->far = 0;
	op->r->elr = 0;
}

/* The outcome of the probe just run, counted; more faults than it has instructions that can
 * fault is an exception it should not have seen. */
static enum outcome outcome_end(struct op *op, unsigned int max_faults)
{
	enum outcome o = outcome_of(op->r);

	op->st->outcomes[o]++;
	if (op->r->n > max_faults)
		op->st->unexpected++;
	return o;
}

/* Prints the first MAX_REPORTS failures of the run (every CPU together). */
static void report(struct op *op, bool leak, const char *what, uint64_t addr, const char *how,
		   uint64_t value)
{
	if (__atomic_add_fetch(&reports, 1, __ATOMIC_RELAXED) > MAX_REPORTS)
		return;
	printk("# hostile: %s cpu%u op %llu: %s 0x%llx: %s (ESR 0x%llx FAR 0x%llx) value 0x%llx\n",
	       leak ? "LEAK" : "FAIL", op->cpu, (unsigned long long)op->n, what,
	       (unsigned long long)addr, how, (unsigned long long)op->r->esr,
	       (unsigned long long)op->r->far, (unsigned long long)value);
}

/* Records the result of one check. Natively only the counts: the verdict is SKIP native. */
static void verdict(struct op *op, enum check ck, bool ok, bool leak, const char *what,
		    uint64_t addr, const char *how, uint64_t value)
{
	op->st->checked[ck]++;
	if (ok)
		return;
	op->st->failed[ck]++;
	if (leak)
		op->st->leaks[ck]++;
	if (plat.skiff || ck == CK_GICD || ck == CK_GICR || ck == CK_ICC || ck == CK_EL2)
		report(op, leak, what, addr, how, value);
}

/* ---- memory accesses that must not complete */
/*
 * Runs form f at addr and checks that it faulted as an access to nothing of its own must:
 * a data abort from the current EL, external (DFSC 0x10), or an alignment fault where the
 * access is unaligned for Device memory, WnR as the access, FAR inside it, the base register
 * of a writeback form unchanged. Returns the outcome.
 */
static enum outcome must_fault(struct op *op, enum check ck, const struct form *f, uint64_t addr)
{
	uint64_t v = rng_value(&op->rng), v2 = rng_value(&op->rng);
	uint64_t size = f->size, base = addr;
	bool unaligned = addr % f->align != 0;
	struct probe_ret ret;
	enum outcome o;
	bool ok, leak = false;
	const char *how = "faulted as it should";

	switch (f->kind) {
	case F_LOAD_PRE:
	case F_STORE_PRE:
		base = addr - 8;
		break;
	case F_DC_ZVA:
		base = addr & ~(size - 1);
		addr = base;
		unaligned = false;
		break;
	default:
		break;
	}
	begin(op);
	ret = f->fn(base, v, v2);
	o = outcome_end(op, f->kind == F_STXR ? 2 : 1);
	switch (o) {
	case O_COMPLETED:
		/* an STXR that found no reservation stored nothing: not a leak, but an LDXR that
		 * read without fault is */
		leak = true;
		how = f->store ? "the store completed" : "the load returned a value";
		ok = false;
		break;
	case O_ABORT:
	case O_ALIGN: {
		unsigned int wnr = !!(op->r->esr & ESR_ISS_WNR);
		bool wnr_ok = f->kind == F_STXR || f->kind == F_DC_ZVA || wnr == f->store;
		bool far_ok = op->r->far >= addr && op->r->far - addr < size;
		bool base_ok = true;

		if (f->kind == F_LOAD_PRE || f->kind == F_LOAD_POST)
			base_ok = ret.v1 == base;
		else if (f->kind == F_STORE_PRE || f->kind == F_STORE_POST)
			base_ok = ret.v0 == base;
		ok = wnr_ok && far_ok && base_ok && (o == O_ABORT || unaligned || f->pair);
		if (f->kind == F_STXR && ret.v0 == 0) {
			ok = false;
			leak = true;
			how = "the STXR stored (status 0)";
		} else if (!ok) {
			how = !base_ok	? "faulted but wrote the base register back"
			      : !far_ok ? "faulted with FAR outside the access"
			      : !wnr_ok ? "faulted with the wrong WnR"
					: "an alignment fault on an aligned access";
		}
		break;
	}
	default:
		ok = false;
		how = "took an exception other than a data abort";
		break;
	}
	verdict(op, ck, ok, leak, f->name, addr, how, f->store ? v : ret.v0);
	return o;
}

/* An address inside the access window [lo, hi) (hi - lo >= size), aligned or not. */
static uint64_t place(struct op *op, const struct form *f, uint64_t lo, uint64_t hi)
{
	uint64_t size = f->size;
	uint64_t a;

	if (hi - lo < size)
		return lo;
	switch (rng_below(&op->rng, 4)) {
	case 0: /* the first page */
		a = lo +
		    rng_below(&op->rng, (hi - lo < PAGE_SIZE ? hi - lo : PAGE_SIZE) - size + 1);
		break;
	case 1: /* the last page */
		a = hi - size -
		    rng_below(&op->rng, (hi - lo < PAGE_SIZE ? hi - lo : PAGE_SIZE) - size + 1);
		break;
	default:
		a = lo + rng_below(&op->rng, hi - lo - size + 1);
		break;
	}
	if (!rng_chance(&op->rng, 25)) /* mostly aligned */
		a &= ~(uint64_t)(f->align - 1);
	return a < lo ? lo : a;
}

static const struct form *pick_form(struct op *op)
{
	for (;;) {
		const struct form *f = &forms[rng_below(&op->rng, NR_FORMS)];

		if (f->kind != F_DC_ZVA || zva_ok)
			return f;
	}
}

/* Natively the attacked addresses are its own RAM and devices: only loads are safe there. */
static bool dry_natively(const struct form *f)
{
	return !plat.skiff && f->store;
}

static void op_deny(struct op *op)
{
	struct deny_range *d = &deny[rng_below(&op->rng, nr_deny)];
	const struct form *f = pick_form(op);
	uint64_t size = f->size;
	uint64_t addr;

	if (d->own && plat.skiff) {
		op->st->outcomes[O_SKIPPED]++;
		return;
	}
	if (rng_chance(&op->rng, 15) && d->straddle_ok && size > 1 && f->kind != F_DC_ZVA &&
	    d->base >= size) {
		/* from the page below into the first denied byte */
		addr = d->base - 1 - rng_below(&op->rng, size - 1);
	} else {
		if (d->size < size)
			return;
		addr = place(op, f, d->base, d->base + d->size);
	}
	if (dry_natively(f)) {
		op->st->outcomes[O_DRY]++;
		return;
	}
	must_fault(op, CK_DENY, f, addr);
}

/* A random address of the 4 GiB that is none of its own; false after a few misses. */
static bool unowned_address(struct op *op, uint64_t size, uint64_t *out)
{
	unsigned int tries;

	for (tries = 0; tries < 16; tries++) {
		uint64_t a;

		if (rng_chance(&op->rng, 50))
			a = rng_below(&op->rng, ADDR_SPACE - size);
		else /* the first 256 MiB, where the devices are */
			a = rng_below(&op->rng, 0x10000000ULL - size);
		if (!is_own(a, size) && !is_own(a & ~(PAGE_SIZE - 1), PAGE_SIZE)) {
			*out = a;
			return true;
		}
	}
	return false;
}

static void op_unowned(struct op *op)
{
	const struct form *f = pick_form(op);
	uint64_t size = f->size, addr;

	if (!unowned_address(op, size, &addr)) {
		op->st->outcomes[O_SKIPPED]++;
		return;
	}
	if (!rng_chance(&op->rng, 25))
		addr &= ~(uint64_t)(f->align - 1);
	if (!plat.skiff && normal_memory(addr) && f->store) {
		op->st->outcomes[O_DRY]++;
		return;
	}
	must_fault(op, CK_UNOWNED, f, addr);
}

/* A branch to a denied or unowned address: the fetch must fault and come back. */
static void op_ifetch(struct op *op)
{
	uint64_t target;
	unsigned int fsc;
	enum outcome o;
	bool ok;

	if (nr_deny && rng_chance(&op->rng, 70)) {
		struct deny_range *d = &deny[rng_below(&op->rng, nr_deny)];

		if (d->own && plat.skiff) {
			op->st->outcomes[O_SKIPPED]++;
			return;
		}
		target = (d->base + rng_below(&op->rng, d->size)) & ~3ULL;
	} else if (!unowned_address(op, 4, &target)) {
		op->st->outcomes[O_SKIPPED]++;
		return;
	}
	target &= ~3ULL;
	/* natively RAM is its own (its image): never jump there */
	if (!plat.skiff && normal_memory(target)) {
		op->st->outcomes[O_DRY]++;
		return;
	}
	begin(op);
	op->r->ran = false;
	op->r->branch_target = target;
	probe_branch(target);
	op->r->branch_target = 0;
	o = op->r->ran ? O_COMPLETED : outcome_end(op, 1);
	if (op->r->ran)
		op->st->outcomes[o]++;
	fsc = (unsigned int)(op->r->esr & ESR_ISS_DFSC_MASK);
	ok = o == O_IABT && op->r->far == target && op->r->elr == target &&
	     (fsc == DFSC_SYNC_EXT_ABORT ||
	      (!normal_memory(target) && fsc >= FSC_PERM_FIRST && fsc <= FSC_PERM_LAST));
	verdict(op, CK_IFETCH, ok, o == O_COMPLETED || op->r->ran, "branch to", target,
		op->r->ran	   ? "the code there ran"
		: o == O_COMPLETED ? "it returned without a fault"
		: ok		   ? "faulted"
				   : "faulted with the wrong syndrome",
		0);
}

/* ---- the GIC */

/* An access of form f at addr in its own GIC frames: it completes or aborts. */
static void gic_access(struct op *op, enum check ck, const struct form *f, uint64_t addr,
		       uint64_t value)
{
	struct probe_ret ret;
	enum outcome o;
	bool ok;

	begin(op);
	ret = f->fn(addr, value, rng_value(&op->rng));
	o = outcome_end(op, 1);
	ok = o == O_COMPLETED || o == O_ABORT || (o == O_ALIGN && (addr % f->align || f->pair));
	verdict(op, ck, ok, false, f->name, addr, ok ? "ok" : "neither completed nor aborted",
		f->store ? value : ret.v0);
}

/* A load or store of the GIC's widths (8, 16, 32, 64 bits), or now and then a pair. */
static const struct form *gic_form(struct op *op, bool store)
{
	if (rng_chance(&op->rng, 5))
		return &forms[store ? FORM_STP_W : FORM_LDP_W];
	return &forms[rng_below(&op->rng, NR_PLAIN_FORMS) + (store ? FIRST_PLAIN_STORE : 0)];
}

static uint64_t gic_offset(struct op *op, const struct form *f, uint64_t span)
{
	uint64_t off = rng_below(&op->rng, span - f->size + 1);

	if (!rng_chance(&op->rng, 20))
		off &= ~(uint64_t)(f->align - 1);
	return off;
}

static void op_gicd(struct op *op)
{
	const struct form *f;
	uint64_t v = rng_value(&op->rng);

	if (rng_chance(&op->rng, 60)) {
		/* the sweep: every 4-byte offset in turn, a random value */
		uint64_t off = (op->gicd_sweep++ % (GICD_SIZE / 4)) * 4;

		op->st->gicd_swept++;
		gic_access(op, CK_GICD, &forms[FORM_STR_W], plat.gicd + off, v);
		return;
	}
	f = gic_form(op, rng_chance(&op->rng, 50));
	gic_access(op, CK_GICD, f, plat.gicd + gic_offset(op, f, GICD_SIZE), v);
}

/* Bits (or bytes) of the SPIs in [first, first + n) that are not its own. */
static uint64_t foreign_mask(uint32_t first, unsigned int n, unsigned int bits)
{
	uint64_t mask = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t intid = first + i;

		if (intid >= GIC_NR_PRIVATE && !dt_owns_spi(intid))
			mask |= (bits == 64 ? ~0ULL : ((1ULL << bits) - 1)) << (i * bits % 64);
	}
	return mask;
}

/* The state of an SPI that is not its own reads 0, whatever it wrote before. */
static void op_spi(struct op *op)
{
	static const uint16_t bit_regs[] = { GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR,
					     GICD_ICPENDR,   GICD_ISACTIVER, GICD_ICACTIVER };
	uint32_t intid = GIC_NR_PRIVATE + (uint32_t)rng_below(&op->rng, 1020 - GIC_NR_PRIVATE);
	unsigned int which = (unsigned int)rng_below(&op->rng, ARRAY_SIZE(bit_regs) + 2);
	uint64_t addr, mask, val;
	enum outcome o;

	if (which < ARRAY_SIZE(bit_regs)) {
		addr = plat.gicd + bit_regs[which] + (intid / 32) * 4;
		mask = foreign_mask(intid & ~31U, 32, 1);
		begin(op);
		val = probe_ldr_w(addr, 0, 0).v0;
	} else if (which == ARRAY_SIZE(bit_regs)) {
		addr = plat.gicd + GICD_IPRIORITYR + (intid & ~3U);
		mask = foreign_mask(intid & ~3U, 4, 8);
		begin(op);
		val = probe_ldr_w(addr, 0, 0).v0;
	} else {
		addr = plat.gicd + GICD_IROUTER + intid * 8;
		mask = foreign_mask(intid, 1, 64);
		begin(op);
		val = probe_ldr_x(addr, 0, 0).v0;
	}
	o = outcome_end(op, 1);
	if (!mask)
		return;
	verdict(op, CK_SPI, o == O_COMPLETED && !(val & mask), o == O_COMPLETED && (val & mask),
		"GICD read of a foreign SPI's state at", addr,
		o != O_COMPLETED ? "did not complete"
		: (val & mask)	 ? "reads its state"
				 : "reads 0",
		val);
}

static uint64_t gicr_sweep_addr(uint64_t word)
{
	unsigned int i;

	word %= gicr_own_words;
	for (i = 0; i < plat.ncpus; i++) {
		uint64_t words = gicr_own[i].size / 4;

		if (word < words)
			return gicr_own[i].base + word * 4;
		word -= words;
	}
	return gicr_own[0].base;
}

static void op_gicr(struct op *op)
{
	const struct frame_range *fr;
	const struct form *f;
	uint64_t addr, v = rng_value(&op->rng);

	if (!gicr_own_words)
		return;
	if (rng_chance(&op->rng, 60)) {
		/* the sweep over every own frame, a random value at each 4-byte offset */
		addr = gicr_sweep_addr(op->gicr_sweep++);
		op->st->gicr_swept++;
		f = &forms[FORM_STR_W];
	} else {
		fr = &gicr_own[rng_below(&op->rng, plat.ncpus)];
		if (!fr->size)
			return;
		f = gic_form(op, rng_chance(&op->rng, 50));
		addr = fr->base + gic_offset(op, f, fr->size);
	}
	/* natively the redistributor would read tables wherever PROPBASER/PENDBASER point */
	if (!plat.skiff && (addr & (2 * GICR_FRAME - 1)) == GICR_CTLR)
		v &= ~(uint64_t)GICR_CTLR_ENABLE_LPIS;
	gic_access(op, CK_GICR, f, addr, v);
}

static void op_gicr_past(struct op *op)
{
	const struct form *f;
	uint64_t span = gicr_past_end - gicr_past_base, addr;

	if (!span)
		return;
	f = gic_form(op, rng_chance(&op->rng, 50));
	if (rng_chance(&op->rng, 80) && span > PAST_FRAMES * 2 * GICR_FRAME)
		span = PAST_FRAMES * 2 * GICR_FRAME;
	addr = place(op, f, gicr_past_base, gicr_past_base + span);
	must_fault(op, CK_GICR_PAST, f, addr);
}

/* ---- system registers */

/* Must this access be UNDEFINED: any of EL2 or EL3, an ICC register the wrong way, an
 * ICC_AP*Rn the interface does not implement? */
static bool must_undef_access(const struct sysreg *s, bool write, enum check ck)
{
	return ck == CK_EL2 || (write ? s->dir == RO : s->dir == WO) ||
	       (s->apr >= 0 && (unsigned int)s->apr >= nr_apr);
}

static void op_sysreg(struct op *op, enum check ck, const struct sysreg *regs, unsigned int n)
{
	const struct sysreg *s = &regs[rng_below(&op->rng, n)];
	bool write = s->dir == WO || (s->dir == RW && rng_chance(&op->rng, 50));
	uint64_t v = rng_value(&op->rng), got = 0;
	char what[32];
	bool must_undef;
	enum outcome o;

	if (rng_chance(&op->rng, 10)) /* the direction the register does not have */
		write = s->dir == RO ? true : s->dir == WO ? false : write;
	/*
	 * QEMU (7.2 to at least 9.x) checks a BPR write against the minimum before it keeps the
	 * 3-bit field: ICC_BPR1_EL1 = 8 makes ICV_BPR1 0, and QEMU's icv_gprio_mask() then
	 * asserts (tests/guests/README.md). The bits above [2:0] are RES0: write the field only.
	 */
	if (write && (s->msr == probe_msr_icc_bpr0 || s->msr == probe_msr_icc_bpr1))
		v &= 7;
	/*
	 * Natively QEMU's own GICv3 CPU interface segfaults (in gicv3_update()) after random
	 * active priorities (ICC_AP*Rn writes) meet acknowledges and EOIs (see
	 * tests/guests/README.md); under skiff these go to QEMU's separate virtual interface.
	 * Natively: not executed.
	 */
	if (!plat.skiff && !must_undef_access(s, write, ck) &&
	    ((write && s->apr >= 0) || s->mrs == probe_mrs_icc_iar0 ||
	     s->mrs == probe_mrs_icc_iar1 || s->msr == probe_msr_icc_eoir0 ||
	     s->msr == probe_msr_icc_eoir1 || s->msr == probe_msr_icc_dir)) {
		op->st->outcomes[O_DRY]++;
		return;
	}
	must_undef = must_undef_access(s, write, ck);
	begin(op);
	if (write)
		s->msr(v);
	else
		got = s->mrs(v);
	o = outcome_end(op, 1);
	fmt_snprintf(what, sizeof(what), "%s %s", write ? "MSR" : "MRS", s->name);
	verdict(op, ck, must_undef ? o == O_UNDEF : o == O_COMPLETED,
		ck == CK_EL2 && o == O_COMPLETED, what, 0,
		must_undef
			? (o == O_COMPLETED ? "completed: must be UNDEFINED" : "must be UNDEFINED")
			: "must complete",
		write ? v : got);
}

/* ---- calls */
static bool fid_forbidden(uint32_t fid)
{
	uint32_t f = fid & ~SMCCC_64;

	if (fid >= QEMU_PSCI_0_1_FIRST && fid <= QEMU_PSCI_0_1_LAST)
		return true;
	switch (f) {
	case PSCI_CPU_OFF:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case 0x8400000bU: /* CPU_FREEZE */
	case 0x8400000cU: /* CPU_DEFAULT_SUSPEND */
	case 0x8400000eU: /* SYSTEM_SUSPEND */
	case 0x84000012U: /* SYSTEM_RESET2 */
	case 0x84000015U: /* SYSTEM_OFF2 */
		return true;
	default:
		return false;
	}
}

static bool is_psci(uint32_t fid)
{
	return (fid & ~SMCCC_64) - FN_PSCI32 <= FN_PSCI_LAST_OFF;
}

static int own_cpu_of(uint64_t mpidr)
{
	unsigned int i;

	if (mpidr & ~MPIDR_AFF_MASK)
		return -1;
	for (i = 0; i < plat.ncpus; i++)
		if (plat.mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

/* An address outside its RAM, for an entry point: 4-byte aligned or not. */
static uint64_t not_ram(struct op *op)
{
	for (;;) {
		uint64_t a = rng_chance(&op->rng, 50) && nr_deny
				     ? deny[rng_below(&op->rng, nr_deny)].base
				     : rng_below(&op->rng, ADDR_SPACE);

		if (rng_chance(&op->rng, 80))
			a &= ~3ULL;
		if (!in_own_ram(a, 4))
			return a;
	}
}

/* Makes a random call one it may make: nothing that ends it, no buffer into its RAM. */
static void sanitize(struct op *op, uint64_t x[8])
{
	uint32_t fid, f;
	unsigned int i;

	while (fid_forbidden((uint32_t)x[0]))
		x[0] = (x[0] & ~0xffffffffULL) | (uint32_t)rng_next(&op->rng);
	fid = (uint32_t)x[0];
	f = fid & ~SMCCC_64;
	if (f == PSCI_CPU_SUSPEND)
		x[1] &= ~(uint64_t)PSCI_SUSPEND_POWERDOWN;
	if (f == PSCI_CPU_ON && own_cpu_of(fid & SMCCC_64 ? x[1] : (uint32_t)x[1]) >= 0)
		x[2] = not_ram(op);
	if (is_psci(fid) || (fid >= FN_ARCH && fid <= FN_ARCH_LAST))
		return;
	/* skiff's calls, and whatever else may take a pointer: x1 a buffer of x2 bytes */
	if (x[1] + (x[2] ? x[2] : 1) < x[1] || in_own_ram(x[1], x[2] ? x[2] : 1)) {
		x[1] = (uintptr_t)scratch + rng_below(&op->rng, SCRATCH_SIZE);
		x[2] = rng_below(&op->rng, (uintptr_t)scratch + SCRATCH_SIZE - x[1] + 1);
	}
	for (i = 3; i < 8; i++)
		if (in_own_ram(x[i], 1))
			x[i] = (uintptr_t)scratch + rng_below(&op->rng, SCRATCH_SIZE);
	/* now and then a log buffer from its own free RAM into a denied range: to be refused */
	if (fid == SKIFF_HVC_LOG_READ && nr_deny && rng_chance(&op->rng, 30)) {
		const struct deny_range *d = &deny[rng_below(&op->rng, nr_deny)];
		uint64_t below = d->base - PAGE_SIZE;

		if (!d->own && d->base >= PAGE_SIZE && inside_own_ram(below, PAGE_SIZE) &&
		    !in_busy_ram(below, PAGE_SIZE)) {
			x[1] = d->base - 1 - rng_below(&op->rng, PAGE_SIZE / 2);
			x[2] = d->base - x[1] + 1 + rng_below(&op->rng, PAGE_SIZE);
		}
	}
}

/*
 * Did the call reach what it must not: start or describe a CPU that is not its own, or copy
 * skiff's log anywhere but inside its own RAM?
 */
static bool call_leaked(const uint64_t x[8], int64_t r)
{
	uint32_t fid = (uint32_t)x[0];
	uint32_t f = fid & ~SMCCC_64;
	uint64_t target = fid & SMCCC_64 ? x[1] : (uint32_t)x[1];

	if ((f == PSCI_CPU_ON || f == PSCI_AFFINITY_INFO) && own_cpu_of(target) < 0)
		return r >= 0;
	if (fid == SKIFF_HVC_LOG_READ)
		return r >= 0 && !inside_own_ram(x[1], x[2]);
	return false;
}

static bool generic_ret(int64_t r)
{
	return r == PSCI_RET_SUCCESS || r == PSCI_RET_NOT_SUPPORTED ||
	       r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_DENIED ||
	       r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING ||
	       r == PSCI_RET_INTERNAL_FAILURE || r == PSCI_RET_INVALID_ADDRESS;
}

/*
 * Is r a defined answer to the call x? Known functions have their success values; an
 * unknown function ID is NOT_SUPPORTED.
 */
static bool call_ret_ok(const uint64_t x[8], int64_t r, bool imm0)
{
	uint32_t fid = (uint32_t)x[0];
	uint32_t f = fid & ~SMCCC_64;
	bool is64 = fid & SMCCC_64;
	uint64_t target = is64 ? x[1] : (uint32_t)x[1];
	int own = own_cpu_of(target);

	if (!imm0 && r == PSCI_RET_NOT_SUPPORTED)
		return true; /* HVC/SMC #imm != 0 is not an SMCCC call */
	if (is_psci(fid)) {
		switch (f) {
		case PSCI_VERSION:
			return is64 ? generic_ret(r) : r > 0;
		case PSCI_CPU_ON:
			if (own < 0)
				return r == PSCI_RET_INVALID_PARAMETERS;
			return r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING ||
			       r == PSCI_RET_INVALID_ADDRESS;
		case PSCI_AFFINITY_INFO:
			if (own < 0)
				return r == PSCI_RET_INVALID_PARAMETERS;
			if ((uint32_t)x[2] == 0)
				return r == PSCI_AFFINITY_ON;
			return r == PSCI_RET_INVALID_PARAMETERS || (r >= 0 && r <= 2);
		case PSCI_MIGRATE_INFO_TYPE:
			return is64 ? generic_ret(r)
				    : (r >= 0 && r <= 2) || r == PSCI_RET_NOT_SUPPORTED;
		case PSCI_FEATURES:
			return is64 ? generic_ret(r) : r >= 0 || r == PSCI_RET_NOT_SUPPORTED;
		case PSCI_MIGRATE_INFO_UP_CPU:
			return r >= 0 || generic_ret(r);
		default:
			return generic_ret(r) || r == PSCI_RET_NOT_PRESENT ||
			       r == PSCI_RET_DISABLED;
		}
	}
	if (fid >= FN_ARCH && fid <= FN_ARCH_LAST) {
		if (fid == SMCCC_VERSION || fid == SMCCC_ARCH_FEATURES || fid == SMCCC_ARCH_SOC_ID)
			return r >= 0 || r == PSCI_RET_NOT_SUPPORTED ||
			       r == PSCI_RET_INVALID_PARAMETERS;
		return generic_ret(r);
	}
	if (fid == SKIFF_HVC_VERSION)
		return r > 0;
	if (fid == SKIFF_HVC_COUNTER)
		return r >= 0 || r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_NOT_SUPPORTED;
	if (fid == SKIFF_HVC_LOG_READ)
		return (r >= 0 && (uint64_t)r <= x[2]) || r == PSCI_RET_INVALID_PARAMETERS ||
		       r == PSCI_RET_NOT_SUPPORTED;
	if (fid == SKIFF_HVC_TEST_SET)
		return r == 0 || r == PSCI_RET_INVALID_PARAMETERS || r == PSCI_RET_DENIED ||
		       r == PSCI_RET_NOT_SUPPORTED;
	return r == PSCI_RET_NOT_SUPPORTED;
}

static void count_ret(struct op *op, int64_t r, bool exception)
{
	if (exception)
		op->st->rets[RET_EXCEPTION]++;
	else if (r <= 0 && r >= -9)
		op->st->rets[-r]++;
	else
		op->st->rets[RET_OTHER]++;
}

/* Makes call x over conduit c; checks it returned a defined value and took no exception. */
static void do_call(struct op *op, enum check ck, uint64_t x[8], unsigned int c)
{
	static const call_fn conduits[] = { probe_hvc_0, probe_smc_0, probe_hvc_1, probe_hvc_ffff,
					    probe_smc_1 };
	static const char *const conduit_names[] = { "HVC #0", "SMC #0", "HVC #1", "HVC #0xffff",
						     "SMC #1" };
	uint64_t in[8];
	uint32_t fid = (uint32_t)x[0];
	enum outcome o;
	int64_t r;
	bool ok, leak;

	memcpy(in, x, sizeof(in));
	/* natively CPU_SUSPEND is a WFI that nothing may ever end */
	if (!plat.skiff && (fid & ~SMCCC_64) == PSCI_CPU_SUSPEND) {
		op->st->outcomes[O_DRY]++;
		return;
	}
	begin(op);
	conduits[c](x);
	o = outcome_end(op, 1);
	r = fid & SMCCC_64 ? (int64_t)x[0] : (int64_t)(int32_t)x[0];
	count_ret(op, r, o != O_COMPLETED);
	leak = o == O_COMPLETED && call_leaked(in, r);
	ok = o == O_COMPLETED && !leak && call_ret_ok(in, r, c < 2);
	if (!ok && plat.skiff && __atomic_load_n(&reports, __ATOMIC_RELAXED) < MAX_REPORTS)
		printk("# hostile: call %s x0 0x%llx x1 0x%llx x2 0x%llx x3 0x%llx -> 0x%llx\n",
		       conduit_names[c], (unsigned long long)in[0], (unsigned long long)in[1],
		       (unsigned long long)in[2], (unsigned long long)in[3],
		       (unsigned long long)x[0]);
	verdict(op, ck, ok, leak, conduit_names[c], fid,
		o != O_COMPLETED ? "took an exception"
		: leak		 ? "reached a CPU or memory not its own"
		: ok		 ? "ok"
				 : "returned a value the call does not define",
		x[0]);
}

static unsigned int pick_conduit(struct op *op)
{
	unsigned int p = (unsigned int)rng_below(&op->rng, 100);

	return p < 70 ? 0 : p < 88 ? 1 : 2 + (unsigned int)rng_below(&op->rng, 3);
}

static void op_call(struct op *op)
{
	uint64_t x[8];
	unsigned int i, p = (unsigned int)rng_below(&op->rng, 100);

	if (p < 30)
		x[0] = (uint32_t)rng_next(&op->rng);
	else if (p < 50)
		x[0] = FN_PSCI32 + rng_below(&op->rng, FN_PSCI_LAST_OFF + 2);
	else if (p < 70)
		x[0] = FN_PSCI64 + rng_below(&op->rng, FN_PSCI_LAST_OFF + 2);
	else if (p < 80)
		x[0] = FN_ARCH + (rng_chance(&op->rng, 50) ? rng_below(&op->rng, 8)
							   : 0x8000 + rng_below(&op->rng, 8));
	else
		x[0] = SKIFF_HVC_BASE + rng_below(&op->rng, 8) -
		       (rng_chance(&op->rng, 20) ? SMCCC_64 : 0);
	if (rng_chance(&op->rng, 10))
		x[0] |= rng_next(&op->rng) << 32;
	for (i = 1; i < 8; i++) {
		switch (rng_below(&op->rng, 4)) {
		case 0:
			x[i] = rng_below(&op->rng, 8); /* an MPIDR, a level, a counter id */
			break;
		case 1:
			x[i] = rng_chance(&op->rng, 50)
				       ? (uintptr_t)scratch
				       : plat.image_base + rng_below(&op->rng, 0x100000);
			break;
		default:
			x[i] = rng_value(&op->rng);
			break;
		}
	}
	sanitize(op, x);
	do_call(op, CK_CALL, x, pick_conduit(op));
}

/* PSCI naming CPUs that are not its own, and its own with an entry outside its RAM. */
static void op_psci(struct op *op)
{
	uint64_t x[8] = { 0 };
	bool is64 = rng_chance(&op->rng, 50);
	unsigned int p = (unsigned int)rng_below(&op->rng, 100);
	uint64_t mpidr;

	if (p < 60) {
		/* an MPIDR that is not its own: 0..7 first, then other affinities or junk bits */
		unsigned int i;

		mpidr = rng_below(&op->rng, 8);
		for (i = 0; i < 4 && own_cpu_of(mpidr) >= 0; i++)
			mpidr = rng_below(&op->rng, 8);
		if (own_cpu_of(mpidr) >= 0)
			mpidr = rng_chance(&op->rng, 50) ? 0x100 + rng_below(&op->rng, 0x100)
							 : MPIDR_OUTSIDE_AFF | plat.mpidr[0];
	} else {
		mpidr = plat.mpidr[rng_below(&op->rng, plat.ncpus)];
	}
	x[0] = (rng_chance(&op->rng, 50) ? PSCI_CPU_ON : PSCI_AFFINITY_INFO) |
	       (is64 ? SMCCC_64 : 0);
	x[1] = mpidr;
	if ((uint32_t)x[0] == (PSCI_AFFINITY_INFO | (is64 ? SMCCC_64 : 0)))
		x[2] = rng_chance(&op->rng, 80) ? 0 : rng_below(&op->rng, 4);
	else
		x[2] = not_ram(op);
	x[3] = rng_value(&op->rng);
	sanitize(op, x);
	do_call(op, CK_PSCI, x, rng_chance(&op->rng, 80) ? 0 : 1);
}

/* ---- the stream */
enum op_kind {
	OP_DENY,
	OP_UNOWNED,
	OP_IFETCH,
	OP_GICD,
	OP_SPI,
	OP_GICR,
	OP_GICR_PAST,
	OP_ICC,
	OP_EL2,
	OP_CALL,
	OP_PSCI,
	NR_OP_KINDS,
};

/* Out of 1000 */
static const uint16_t op_weight[NR_OP_KINDS] = {
	[OP_DENY] = 260, [OP_UNOWNED] = 130, [OP_IFETCH] = 20,	  [OP_GICD] = 120,
	[OP_SPI] = 40,	 [OP_GICR] = 130,    [OP_GICR_PAST] = 40, [OP_ICC] = 120,
	[OP_EL2] = 30,	 [OP_CALL] = 90,     [OP_PSCI] = 20,
};

static void run_one(struct op *op)
{
	unsigned int w = (unsigned int)rng_below(&op->rng, 1000);
	unsigned int k;

	for (k = 0; k < NR_OP_KINDS - 1 && w >= op_weight[k]; k++)
		w -= op_weight[k];
	switch (k) {
	case OP_DENY:
		if (nr_deny)
			op_deny(op);
		else
			op_unowned(op);
		break;
	case OP_UNOWNED:
		op_unowned(op);
		break;
	case OP_IFETCH:
		op_ifetch(op);
		break;
	case OP_GICD:
		op_gicd(op);
		break;
	case OP_SPI:
		op_spi(op);
		break;
	case OP_GICR:
		op_gicr(op);
		break;
	case OP_GICR_PAST:
		op_gicr_past(op);
		break;
	case OP_ICC:
		op_sysreg(op, CK_ICC, icc_regs, ARRAY_SIZE(icc_regs));
		break;
	case OP_EL2:
		op_sysreg(op, CK_EL2, el2_regs, ARRAY_SIZE(el2_regs));
		break;
	case OP_CALL:
		op_call(op);
		break;
	default:
		op_psci(op);
		break;
	}
}

static uint64_t ops_of(unsigned int cpu)
{
	return total_ops / plat.ncpus + (cpu < total_ops % plat.ncpus ? 1 : 0);
}

static uint64_t ops_done(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < plat.ncpus; i++)
		sum += progress[i * 8];
	return sum;
}

static uint64_t leaks_so_far(void)
{
	uint64_t sum = 0;
	unsigned int i, k;

	for (i = 0; i < plat.ncpus; i++)
		for (k = 0; k < NR_CHECKS; k++)
			sum += stats[i].leaks[k];
	return sum;
}

static void print_progress(uint64_t *next)
{
	uint64_t done = ops_done();

	if (done < *next || done >= total_ops)
		return;
	printk("# hostile: %llu/%llu ops, leaks %llu\n", (unsigned long long)done,
	       (unsigned long long)total_ops, (unsigned long long)leaks_so_far());
	*next = (done / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
}

static void run_stream(unsigned int cpu)
{
	struct op op = { .cpu = cpu, .st = &stats[cpu], .r = &rec[cpu] };
	uint64_t n = ops_of(cpu), next = PROGRESS_EVERY;

	rng_seed(&op.rng, seed, cpu);
	op.gicd_sweep = (uint64_t)cpu * (GICD_SIZE / 4) / plat.ncpus;
	op.gicr_sweep = gicr_own_words * cpu / plat.ncpus;
	set_sync_hook(hostile_hook);
	for (op.n = 0; op.n < n; op.n++) {
		run_one(&op);
		op.st->ops++;
		if ((op.n & 1023) == 1023 || op.n + 1 == n) {
			progress[cpu * 8] = op.n + 1;
			if (cpu == 0)
				print_progress(&next);
			if (deadline && counter_now() >= deadline) {
				out_of_time = 1;
				break;
			}
		}
	}
	__atomic_store_n(&finished[cpu], 1, __ATOMIC_RELEASE);
}

static void secondary(uint64_t ctx)
{
	(void)ctx;
	run_stream(this_cpu());
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		cpu_relax();
	set_sync_hook(NULL);
}

/* ---- set-up */
static bool parse_deny(void)
{
	static char arg[DENY_ARG_MAX];
	char *p = arg;
	bool ok = true;

	if (!bootarg("deny", arg, sizeof(arg)))
		return true;
	while (*p && nr_deny < MAX_DENY) {
		struct deny_range *d = &deny[nr_deny];
		char *colon = strchr(p, ':'), *end;
		size_t n;

		if (!colon) {
			ok = false;
			break;
		}
		n = (size_t)(colon - p) < sizeof(d->name) - 1 ? (size_t)(colon - p)
							      : sizeof(d->name) - 1;
		memcpy(d->name, p, n);
		d->name[n] = '\0';
		d->base = strtoul(colon + 1, &end, 16);
		if (*end != '+') {
			ok = false;
			break;
		}
		d->size = strtoul(end + 1, &end, 16);
		if (!d->size || d->base >= ADDR_SPACE || (*end && *end != ',')) {
			ok = false;
			break;
		}
		if (d->base + d->size > ADDR_SPACE)
			d->size = ADDR_SPACE - d->base;
		nr_deny++;
		p = *end ? end + 1 : end;
	}
	if (*p)
		ok = false;
	return ok;
}

static void classify_deny(void)
{
	unsigned int i;

	for (i = 0; i < nr_deny; i++) {
		struct deny_range *d = &deny[i];
		uint64_t below = (d->base & ~(PAGE_SIZE - 1)) - PAGE_SIZE;

		d->own = is_own(d->base, d->size);
		d->straddle_ok = d->base >= PAGE_SIZE && !in_own_device(below, PAGE_SIZE) &&
				 !in_busy_ram(below, PAGE_SIZE);
		tap_diag("hostile: deny %s 0x%llx+0x%llx%s", d->name, (unsigned long long)d->base,
			 (unsigned long long)d->size,
			 !d->own      ? ""
			 : plat.skiff ? " overlaps its own RAM or devices: left alone"
				      : " (its own natively: loads only)");
	}
}

static void find_gic_frames(void)
{
	uint64_t own_end = 0;
	unsigned int i;

	for (i = 0; i < plat.ncpus; i++) {
		uintptr_t rd = gic_find_redist(mpidr_to_gicr_aff(plat.mpidr[i]));

		if (!rd)
			continue;
		gicr_own[i].base = rd;
		gicr_own[i].size = (mmio_read64(rd + GICR_TYPER) & GICR_TYPER_VLPIS)
					   ? GICR_STRIDE_VLPI
					   : GICR_STRIDE;
		gicr_own_words += gicr_own[i].size / 4;
		if (rd + gicr_own[i].size > own_end)
			own_end = rd + gicr_own[i].size;
	}
	if (own_end && own_end < plat.gicr + plat.gicr_size) {
		gicr_past_base = own_end;
		gicr_past_end = plat.gicr + plat.gicr_size;
	}
}

static void setup(void)
{
	char arg[32];
	uint64_t dczid = read_sysreg(dczid_el0);
	unsigned int i, zva, pribits;

	dt_scan_owned();
	if (plat.dtb_ok)
		dtb_size = fdt_be32((const uint8_t *)plat.dtb + 4);
	l1_table = (const uint64_t *)(uintptr_t)(read_sysreg(ttbr0_el1) & TTBR_BADDR_MASK);
	seed = counter_now() * 0x9e3779b97f4a7c15ULL;
	seed ^= seed >> 29;
	if (bootarg("seed", arg, sizeof(arg)))
		seed = strtoul(arg, NULL, 0);
	total_ops = DEFAULT_OPS;
	if (bootarg("ops", arg, sizeof(arg)))
		total_ops = strtoul(arg, NULL, 0);
	if (bootarg("seconds", arg, sizeof(arg)) && strtoul(arg, NULL, 0))
		deadline = counter_now() + strtoul(arg, NULL, 0) * counter_freq();
	deny_bad = !parse_deny();
	/* DC ZVA zeroes a block of 4 << BS bytes; the form's size field holds up to 128 */
	zva = 4U << (dczid & DCZID_BS_MASK);
	zva_ok = !(dczid & DCZID_DZP) && zva <= 128;
	for (i = 0; i < NR_FORMS; i++)
		if (forms[i].kind == F_DC_ZVA && zva_ok)
			forms[i].size = forms[i].align = (uint8_t)zva;
	pribits = ICC_CTLR_PRIBITS(read_sysreg(ICC_CTLR_EL1));
	nr_apr = pribits <= 5 ? 1 : pribits == 6 ? 2 : 4;
	find_gic_frames();
}

/* ---- results */
static uint64_t sum_checked(enum check ck, uint64_t *failed, uint64_t *leaks)
{
	uint64_t c = 0;
	unsigned int i;

	*failed = *leaks = 0;
	for (i = 0; i < plat.ncpus; i++) {
		c += stats[i].checked[ck];
		*failed += stats[i].failed[ck];
		*leaks += stats[i].leaks[ck];
	}
	return c;
}

static void tap_check(enum check ck, const char *expect)
{
	uint64_t failed, leaks, n = sum_checked(ck, &failed, &leaks);
	bool native_meaningful = ck == CK_GICD || ck == CK_GICR || ck == CK_ICC || ck == CK_EL2;

	if (!plat.skiff && !native_meaningful) {
		tap_skip_native("%s: %llu checks, %llu would fail (%s)", check_names[ck],
				(unsigned long long)n, (unsigned long long)failed, expect);
		return;
	}
	tap_ok(failed == 0, "%s: %llu checks, %llu failed, %llu leaks (%s)", check_names[ck],
	       (unsigned long long)n, (unsigned long long)failed, (unsigned long long)leaks,
	       expect);
}

static void print_counts(void)
{
	uint64_t o[NR_OUTCOMES] = { 0 }, r[NR_RETS] = { 0 }, ops = 0, swept_d = 0, swept_r = 0;
	uint64_t share_d = (GICD_SIZE / 4 + plat.ncpus - 1) / plat.ncpus;
	uint64_t share_r = (gicr_own_words + plat.ncpus - 1) / plat.ncpus;
	unsigned int i, k;

	/* vCPU c sweeps from c / ncpus of the way in: together they cover what each reached */
	for (i = 0; i < plat.ncpus; i++) {
		ops += stats[i].ops;
		swept_d += stats[i].gicd_swept < share_d ? stats[i].gicd_swept : share_d;
		swept_r += stats[i].gicr_swept < share_r ? stats[i].gicr_swept : share_r;
		for (k = 0; k < NR_OUTCOMES; k++)
			o[k] += stats[i].outcomes[k];
		for (k = 0; k < NR_RETS; k++)
			r[k] += stats[i].rets[k];
	}
	printk("# hostile: counts: ops %llu: aborts %llu, alignment faults %llu, instruction "
	       "aborts "
	       "%llu, UNDEFs %llu, completed %llu, other exceptions %llu\n",
	       (unsigned long long)ops, (unsigned long long)o[O_ABORT],
	       (unsigned long long)o[O_ALIGN], (unsigned long long)o[O_IABT],
	       (unsigned long long)o[O_UNDEF], (unsigned long long)o[O_COMPLETED],
	       (unsigned long long)o[O_OTHER]);
	printk("# hostile: counts: not executed: %llu (native: its own RAM/devices), %llu (deny= "
	       "range of its own, or no target found)\n",
	       (unsigned long long)o[O_DRY], (unsigned long long)o[O_SKIPPED]);
	printk("# hostile: counts: calls: SUCCESS %llu, NOT_SUPPORTED %llu, INVALID_PARAMETERS "
	       "%llu, "
	       "DENIED %llu, ALREADY_ON %llu, ON_PENDING %llu, INTERNAL_FAILURE %llu\n",
	       (unsigned long long)r[0], (unsigned long long)r[1], (unsigned long long)r[2],
	       (unsigned long long)r[3], (unsigned long long)r[4], (unsigned long long)r[5],
	       (unsigned long long)r[6]);
	printk("# hostile: counts: calls: INVALID_ADDRESS %llu, other errors %llu, other values "
	       "%llu, exceptions %llu\n",
	       (unsigned long long)r[9], (unsigned long long)(r[7] + r[8]),
	       (unsigned long long)r[RET_OTHER], (unsigned long long)r[RET_EXCEPTION]);
	for (k = 0; k < NR_CHECKS; k++) {
		uint64_t failed, leaks, n = sum_checked((enum check)k, &failed, &leaks);

		printk("# hostile: counts: %s: %llu checked, %llu failed, %llu leaks\n",
		       check_names[k], (unsigned long long)n, (unsigned long long)failed,
		       (unsigned long long)leaks);
	}
	printk("# hostile: counts: sweeps wrote %llu of the %u GICD offsets, %llu of the %llu in "
	       "its "
	       "GICR frames\n",
	       (unsigned long long)(swept_d < GICD_SIZE / 4 ? swept_d : GICD_SIZE / 4),
	       GICD_SIZE / 4,
	       (unsigned long long)(swept_r < gicr_own_words ? swept_r : gicr_own_words),
	       (unsigned long long)gicr_own_words);
}

/* Waits for every vCPU's stream; false if one stops making progress. */
static bool wait_streams(void)
{
	uint64_t next = PROGRESS_EVERY, last = ops_done(), since = counter_now();

	for (;;) {
		unsigned int i, done = 0;

		for (i = 0; i < plat.ncpus; i++)
			done += __atomic_load_n(&finished[i], __ATOMIC_ACQUIRE);
		if (done == plat.ncpus)
			return true;
		print_progress(&next);
		if (ops_done() != last) {
			last = ops_done();
			since = counter_now();
		} else if (counter_now() - since > us_to_ticks(STALL_US)) {
			return false;
		}
		udelay(1000);
	}
}

void guest_main(void)
{
	uint64_t failed, leaks, all_leaks = 0, checks = 0, unexpected = 0;
	bool started, streams_ok;
	unsigned int i, k;

	local_irq_disable();
	setup();
	printk("# hostile: seed 0x%llx\n", (unsigned long long)seed);
	tap_plan(NR_TESTS);
	tap_check_dtb();
	classify_deny();
	printk("# hostile: %u vCPUs, %llu ops (%llu on cpu0), %u own SPIs, %u own MMIO ranges, "
	       "GICR past its frames 0x%llx-0x%llx, %u ICC_AP*R, DC ZVA %s\n",
	       plat.ncpus, (unsigned long long)total_ops, (unsigned long long)ops_of(0),
	       dt_owned.nr_spis, dt_owned.nr_mmio, (unsigned long long)gicr_past_base,
	       (unsigned long long)gicr_past_end, nr_apr, zva_ok ? "on" : "off");
	tap_ok(!deny_bad && !dt_owned.truncated,
	       "bootargs: %u denied ranges, ops=%llu, seed 0x%llx; device tree read whole", nr_deny,
	       (unsigned long long)total_ops, (unsigned long long)seed);

	started = cpu_start_all(secondary, 0);
	run_stream(this_cpu());
	streams_ok = wait_streams();
	release = 1;
	set_sync_hook(NULL);
	for (i = 0; i < plat.ncpus; i++)
		unexpected += stats[i].unexpected;

	print_counts();
	for (i = 0; i < plat.ncpus; i++)
		printk("# hostile: cpu%u ran %llu of its %llu ops\n", i,
		       (unsigned long long)stats[i].ops, (unsigned long long)ops_of(i));
	tap_ok(started && streams_ok, "every vCPU ran its stream to the end (%llu ops)%s",
	       (unsigned long long)ops_done(), out_of_time ? ", or to the seconds= budget" : "");
	tap_check(CK_DENY, "abort");
	tap_check(CK_UNOWNED, "abort");
	tap_check(CK_IFETCH, "instruction abort");
	tap_check(CK_GICD, "complete or abort");
	tap_check(CK_SPI, "read 0");
	tap_check(CK_GICR, "complete or abort");
	tap_check(CK_GICR_PAST, "abort");
	tap_check(CK_ICC, "complete, UNDEFINED the other way");
	tap_check(CK_EL2, "UNDEFINED");
	tap_check(CK_CALL, "defined returns, no exception");
	tap_check(CK_PSCI, "INVALID_PARAMETERS, ALREADY_ON or INVALID_ADDRESS");
	tap_ok(unexpected == 0 && !(read_sysreg(isr_el1) & ISR_EL1_A),
	       "exceptions: every one came from a probe (%llu others), no SError pending",
	       (unsigned long long)unexpected);
	for (k = 0; k < NR_CHECKS; k++) {
		checks += sum_checked((enum check)k, &failed, &leaks);
		all_leaks += leaks;
	}
	if (plat.skiff)
		tap_ok(all_leaks == 0, "no leaks: %llu of %llu checks reached what they must not",
		       (unsigned long long)all_leaks, (unsigned long long)checks);
	else
		tap_skip_native("no leaks (%llu accesses reached their target natively)",
				(unsigned long long)all_leaks);
	printk("# hostile: done after %llu ops, seed 0x%llx\n", (unsigned long long)ops_done(),
	       (unsigned long long)seed);
	printk("# hostile: leaks %llu\n", (unsigned long long)(plat.skiff ? all_leaks : 0));
}
