/*
 * rt32.h - the AArch32 test guests' runtime (tests/guests/lib32/): what boot32_main() learned
 * at entry and from the device tree, console and TAP (the same lines as tests/guests/lib's),
 * PSCI over HVC or SMC, the GICv3 through its AArch32 CPU interface and GICD/GICR MMIO, the
 * generic timer, exception hooks and secondary CPUs. A guest provides guest_name and
 * guest32_main(); guest32_secondary() runs on CPUs it starts with cpu32_start().
 */
#ifndef GUEST_LIB32_RT32_H
#define GUEST_LIB32_RT32_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/guests/lib32/arch32.h"

#define RT32_MAX_CPUS 4
#define RT32_MAX_RAM 4
/* a 1 MiB section nobody has on QEMU virt, mapped executable Normal memory, so that a branch
 * there gets past stage 1 (the instruction-fetch abort checks) */
#define RT32_EXEC_PROBE 0x0b200000u

struct plat32 {
	uint32_t entry_r0, entry_r1, entry_r2, entry_cpsr; /* as entered */
	bool entry_thumb; /* entered at _start in Thumb state (MRS reads CPSR.T as 0) */
	uintptr_t base;	  /* where the image runs */
	const void *dtb;
	bool dtb_ok;
	bool under_skiff; /* the device tree has /hypervisor compatible "skiff,hypervisor" */
	bool psci_smc;	  /* /psci method = "smc" (else "hvc") */
	uintptr_t uart, gicd, gicr, rtc;
	uint32_t gicr_size;
	uint32_t rtc_intid; /* 0: no PL031 */
	unsigned int nr_ram;
	uint64_t ram_base[RT32_MAX_RAM], ram_size[RT32_MAX_RAM];
	unsigned int nr_cpus;
	uint32_t mpidr[RT32_MAX_CPUS];
	uint32_t timer_hz;
	const char *bootargs; /* /chosen/bootargs, or NULL */
};

extern struct plat32 plat32;
extern const char guest_name[];

/* ---- the guest */
void guest32_main(void);
void guest32_secondary(unsigned int cpu, uint32_t context, bool thumb_entry);

/* ---- console and TAP (tests/guests/lib/tap.h's conventions) */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_plan(unsigned int n);
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define tap_skip_native(...) tap_skip("native", __VA_ARGS__)
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_done(void) __attribute__((noreturn));
void bail_out(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- PSCI / SMCCC (32-bit calls) */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_RET_NOT_SUPPORTED (-1)
int32_t psci_hvc(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);
int32_t psci_smc(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);
/* the /psci conduit */
int32_t psci_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);
void psci_system_off(void) __attribute__((noreturn));

/* ---- the command line: key=value of /chosen/bootargs into val; false if absent */
bool bootarg(const char *key, char *val, size_t size);

/* ---- the identity map: the 1 MiB section descriptor of addr; whether it is Device memory */
uint32_t mmu32_section(uintptr_t addr);
bool mmu32_is_device(uintptr_t addr);

/* ---- CPUs */
unsigned int this_cpu(void); /* index into plat32.mpidr */
/* CPU_ON cpu at the runtime's ARM (thumb false) or Thumb entry; PSCI's answer */
int32_t cpu32_start(unsigned int cpu, uint32_t context, bool thumb);

/* ---- time */
uint64_t counter(void);
void udelay(uint32_t us);
/* spin (WFI-free) until cond, at most us microseconds; the result */
#define wait_until(cond, us)                                                            \
	({                                                                              \
		uint64_t __end = counter() + (uint64_t)(us)*plat32.timer_hz / 1000000u; \
		bool __ok;                                                              \
		while (!(__ok = (cond)) && counter() < __end)                           \
			cpu_relax();                                                    \
		__ok;                                                                   \
	})

/* ---- GICv3 */
#define GIC_PPI_VTIMER 27
#define GIC_PPI_PTIMER 30
void gic32_dist_init(void);
void gic32_cpu_init(void); /* this CPU's redistributor and CPU interface */
uintptr_t gic32_rd_base(unsigned int cpu);
void gic32_enable(uint32_t intid, bool on);
void gic32_route(uint32_t intid, uint32_t mpidr); /* an SPI */
void gic32_set_edge(uint32_t intid, bool edge);	  /* an SPI: edge (true) or level */
void gic32_sgi(unsigned int sgi, uint32_t target_mpidr);
uint32_t gic32_ack(void);
void gic32_eoi(uint32_t intid);
/* the interrupt handler: called with IRQs masked for each acknowledged INTID (then EOI'd) */
extern void (*irq32_handler)(uint32_t intid);

/* ---- exceptions other than IRQ */
struct frame32 {
	uint32_t r[13];
	uint32_t lr_svc;
	uint32_t pc;   /* the exception's LR (IRQ: minus 4) on entry; where it returns */
	uint32_t cpsr; /* SPSR of the exception's mode */
};
enum exc32_kind { EXC32_UNDEF = 1, EXC32_SVC, EXC32_PABT, EXC32_DABT, EXC32_IRQ = 6, EXC32_FIQ };
struct exc32_record {
	uint32_t resume_cpsr; /* set by the caller: the CPSR to go on in (0: the saved SPSR) */
	unsigned int count;
	enum exc32_kind kind;
	uint32_t lr, spsr; /* the LR and SPSR of the mode it was taken to */
	uint32_t fsr, far; /* DFSR/DFAR or IFSR/IFAR */
};
/* While set, an UNDEF or abort is recorded here and the instruction skipped (a prefetch abort
 * returns to the caller of the branch); else bail out. QEMU 7.2's TCG does not load the SPSR of
 * the mode an AArch64 EL2 returns into (its cached SPSR stays the trapped mode's), so under a
 * hypervisor there the SPSR of an injected exception reads stale: resume_cpsr lets the test go
 * on in the state it knows. */
extern struct exc32_record *volatile exc32_expect;

#endif
