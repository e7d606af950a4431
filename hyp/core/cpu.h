/*
 * cpu.h - skiff's logical CPUs: logical 0 is the boot CPU, the others follow in device-tree
 * order. Each knows its MPIDR, its redistributor and how far it got.
 */
#ifndef SKIFF_HYP_CPU_H
#define SKIFF_HYP_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/fastirq.h"
#include "arch/arm64/layout.h"
#include "hyp/plan/platform.h"

enum cpu_state {
	CPU_OFF,
	CPU_STARTING,
	CPU_UP,
	CPU_STOPPED, /* took an unexpected exception or failed bring-up */
};

struct cpu {
	struct fast_cpu fast; /* first: vectors.S finds it at TPIDR_EL2 */
	unsigned int idx;
	uint64_t mpidr;
	uintptr_t gicr;
	int state; /* enum cpu_state, written with __atomic */
	bool timer_fired;
	unsigned int unexpected_logged; /* interrupts no one owns taken here */
	struct vcpu *vcpu;		/* the vCPU pinned here, NULL if none */
};

struct vcpu;

_Static_assert(SKIFF_MAX_CPUS == PLAT_MAX_CPUS, "one stack per platform CPU");

extern struct cpu cpus[SKIFF_MAX_CPUS];
extern unsigned int cpu_count;
extern struct platform plat; /* what the host device tree says, filled at boot */

struct cpu *cpu_self(void);
void cpu_set_state(struct cpu *c, enum cpu_state s);
enum cpu_state cpu_get_state(const struct cpu *c);

/* Per-CPU EL2 bring-up: redistributor, CPU interface, a hyp timer interrupt round trip.
 * Returns false (after logging why) if any step fails. */
bool cpu_bring_up(struct cpu *c);
/* The log line of a CPU that came up. */
void cpu_log_up(const struct cpu *c);

/* Where this CPU's guest register frame lives: the top of its stack (boot.S). */
struct exc_frame;
struct exc_frame *cpu_guest_frame(const struct cpu *c);

/* The physical SGI skiff uses to make another CPU look at its vCPU's interrupts. */
#define CPU_SGI_KICK 0
void cpu_kick(const struct cpu *c);

#endif
