/*
 * guest.h - the test guests' runtime in one header: system-register and MMIO accessors,
 * barriers, interrupt masking, per-CPU identity, atomics and a spinlock, time, the
 * exception frame and hooks, and what the boot code learned about the platform from the
 * device tree. Everything under tests/guests includes it; it touches no hardware itself.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/guests/lib/layout.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

/* ---- system registers (names or S3_op1_Cn_Cm_op2 encodings) */
#define read_sysreg(reg)                                                           \
	({                                                                         \
		uint64_t __val;                                                    \
		asm volatile("mrs %0, " __stringify(reg) : "=r"(__val)::"memory"); \
		__val;                                                             \
	})

#define write_sysreg(val, reg) \
	asm volatile("msr " __stringify(reg) ", %0" ::"r"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	asm volatile("isb" ::: "memory");
}

static inline void dsb_sy(void)
{
	asm volatile("dsb sy" ::: "memory");
}

static inline void dsb_ish(void)
{
	asm volatile("dsb ish" ::: "memory");
}

static inline void dsb_ishst(void)
{
	asm volatile("dsb ishst" ::: "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("yield" ::: "memory");
}

/*
 * ---- MMIO. Plain register-indirect loads and stores only (no writeback, no pair), so
 * that a hypervisor sees a valid ISV syndrome and can emulate the access.
 */
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	asm volatile("strb %w0, [%1]" ::"r"((uint32_t)v), "r"(addr) : "memory");
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	asm volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
	asm volatile("str %0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

/* ---- PSTATE.I: IRQ masking on this CPU */
#define DAIF_I BIT(7)

static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" ::: "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" ::: "memory");
}

static inline uint64_t local_irq_save(void)
{
	uint64_t flags = read_sysreg(daif);

	local_irq_disable();
	return flags;
}

static inline void local_irq_restore(uint64_t flags)
{
	write_sysreg(flags, daif);
}

/* ---- per-CPU identity: TPIDR_EL1 holds the logical CPU index (the DT's /cpus order) */
static inline unsigned int this_cpu(void)
{
	return (unsigned int)read_sysreg(tpidr_el1);
}

/* ---- atomics (LL/SC: the MMU is on and RAM is Normal cacheable) */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline uint32_t atomic_inc(volatile uint32_t *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

struct spinlock {
	uint32_t locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* ---- exceptions */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

_Static_assert(sizeof(struct exc_frame) == FRAME_SIZE, "exc_frame does not match start.S");

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fUL
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_IL BIT(25)
#define ESR_ISS_WNR BIT(6)
#define ESR_ISS_FNV BIT(10)
#define ESR_ISS_DFSC_MASK 0x3fUL
#define DFSC_SYNC_EXT_ABORT 0x10

static inline unsigned int esr_ec(uint64_t esr)
{
	return (unsigned int)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
}

/*
 * A test may take synchronous exceptions on purpose: the hook sees every one on this CPU
 * first and returns true if it handled it (typically after advancing frame->elr).
 */
typedef bool (*sync_hook_fn)(struct exc_frame *frame, uint64_t esr, uint64_t far);
void set_sync_hook(sync_hook_fn fn);

/* Called with the INTID acknowledged from ICC_IAR1_EL1; must EOI it (gic_eoi()). */
typedef void (*irq_handler_fn)(uint32_t intid);
void set_irq_handler(irq_handler_fn fn);
extern volatile uint32_t irq_spurious[GUEST_MAX_CPUS];

void exc_handler(struct exc_frame *frame, unsigned long kind);

/* ---- time: the virtual counter */
static inline uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

static inline uint64_t us_to_ticks(uint64_t us)
{
	return us * counter_freq() / 1000000;
}

static inline uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / counter_freq();
}

void udelay(uint64_t us);

/* Spins until cond is true or timeout_us passes; evaluates to the final value of cond. */
#define wait_until(cond, timeout_us)                                      \
	({                                                                \
		uint64_t __end = counter_now() + us_to_ticks(timeout_us); \
		bool __ok;                                                \
		while (!(__ok = (cond)) && counter_now() < __end)         \
			cpu_relax();                                      \
		__ok;                                                     \
	})

/* ---- what the device tree says (defaults: QEMU virt) */
enum psci_conduit { PSCI_CONDUIT_HVC, PSCI_CONDUIT_SMC };

struct platform {
	uintptr_t dtb;
	bool dtb_ok;
	bool skiff; /* a "skiff,doorbell" node: running under skiff */
	unsigned int ncpus;
	uint64_t mpidr[GUEST_MAX_CPUS];
	unsigned int gic_version; /* 3, or 2 for an arm,cortex-a15-gic / arm,gic-400 node */
	uintptr_t gicd;
	uintptr_t gicc; /* GICv2: the CPU interface */
	uintptr_t gicr;
	uint64_t gicr_size;
	uintptr_t uart;
	uintptr_t doorbell; /* 0 natively */
	uint32_t doorbell_intid;
	enum psci_conduit psci;
	uint64_t ram_base;
	uint64_t ram_size;
	uintptr_t image_base;
	uintptr_t image_end;
	const char *bootargs; /* /chosen/bootargs ("" if none) */
};

extern struct platform plat;

/* Each guest defines these two; the runtime calls guest_main() on the boot CPU. */
extern const char guest_name[];
void guest_main(void);

/* The value of key=value in /chosen/bootargs into val (NUL-terminated); false if absent. */
bool bootarg(const char *key, char *val, size_t size);

/* ---- secondary CPUs */
typedef void (*cpu_entry_fn)(uint64_t ctx);
/* PSCI CPU_ON of logical CPU cpu; fn(ctx) runs there once its GIC is set up. */
int64_t cpu_start(unsigned int cpu, cpu_entry_fn fn, uint64_t ctx);
/* The raw PSCI CPU_ON with the runtime's entry point (for the psci guest). */
uintptr_t secondary_entry_address(void);
void cpu_prepare_entry(unsigned int cpu, cpu_entry_fn fn);
extern volatile uint32_t cpu_online[GUEST_MAX_CPUS];
/* Starts every other CPU with fn and waits until all are online; false on timeout. */
bool cpu_start_all(cpu_entry_fn fn, uint64_t ctx);
/* A barrier across the ncpus CPUs (sense-reversing). */
void smp_barrier(void);
unsigned int cpu_index_of_mpidr(uint64_t mpidr);

/* ---- cache maintenance and MMU */
void dcache_clean_range(uintptr_t start, uintptr_t end);
void dcache_inval_range(uintptr_t start, uintptr_t end);
void mmu_setup_primary(void);

/* ---- console (PL011, polled) */
void console_write(const char *s, size_t n);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
/* Prints a "Bail out!" line and powers off; for states the guest cannot continue from. */
void bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
