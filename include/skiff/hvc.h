/*
 * hvc.h - skiff's hypercall interface for guests (SMCCC 1.1 fast calls, SMC64/HVC64,
 * owner 6 "vendor specific hypervisor service"). Shared by skiff and its test guests; the
 * ABI is documented in README.md. Returns in x0; negative values are SMCCC/PSCI errors
 * (NOT_SUPPORTED -1, INVALID_PARAMETERS -2, DENIED -3).
 */
#ifndef SKIFF_HVC_H
#define SKIFF_HVC_H

#define SKIFF_HVC_BASE 0xc6000000u
/* x0 = SKIFF_HVC_ABI_VERSION */
#define SKIFF_HVC_VERSION (SKIFF_HVC_BASE + 0)
/* x1 = counter id, x2 = index (an SPI's INTID, or a vCPU number) -> x0 = value */
#define SKIFF_HVC_COUNTER (SKIFF_HVC_BASE + 1)
/* x1 = buffer IPA, x2 = length, x3 = offset in the log -> x0 = bytes copied, x1 = bytes
 * logged since boot (the log is a ring: older bytes than x1 - SKIFF_LOG_SIZE are gone) */
#define SKIFF_HVC_LOG_READ (SKIFF_HVC_BASE + 2)
/* x1 = knob, x2 = value -> x0 = 0, or DENIED unless the config has test-controls */
#define SKIFF_HVC_TEST_SET (SKIFF_HVC_BASE + 3)

#define SKIFF_HVC_ABI_VERSION 0x10000 /* 1.0 */

/* Counter ids for SKIFF_HVC_COUNTER */
#define SKIFF_CNT_SPI_TAKEN 0	 /* physical interrupts skiff acknowledged for this SPI */
#define SKIFF_CNT_SPI_INJECTED 1 /* times it was made pending in the guest */
#define SKIFF_CNT_SPI_MAINT 2	 /* EOI maintenance interrupts (guest deactivations) seen */
#define SKIFF_CNT_SPI_UNMASKED 3 /* oneshot: times skiff released its mask */
#define SKIFF_CNT_VCPU_EXITS 16	 /* + reason (below): hypervisor entries of a vCPU */
#define SKIFF_EXIT_IRQ 0	 /* a physical interrupt */
#define SKIFF_EXIT_MMIO 1	 /* emulated MMIO */
#define SKIFF_EXIT_HVC 2
#define SKIFF_EXIT_SMC 3
#define SKIFF_EXIT_SYSREG 4 /* trapped system register (SGIs) */
#define SKIFF_EXIT_ABORT 5  /* abort injected */
#define SKIFF_EXIT_UNDEF 6  /* UNDEF injected */
#define SKIFF_EXIT_OTHER 7
#define SKIFF_EXIT_MAINT 8 /* of the IRQ exits: the maintenance interrupt */
#define SKIFF_EXIT_KICK 9  /* of the IRQ exits: a kick from another CPU */
/* of the IRQ exits: a physical interrupt that is neither this guest's nor skiff's own (another
 * guest's SPI, or an unknown one). skiff routes every passed-through SPI to a CPU of the guest
 * that owns it, so this stays 0; the isolation tests check it. */
#define SKIFF_EXIT_FOREIGN 10
#define SKIFF_EXIT_COUNT 11
#define SKIFF_CNT_VCPU_EXITS_ALL (SKIFF_CNT_VCPU_EXITS + SKIFF_EXIT_COUNT) /* their sum */
/* + reason (IRQ .. OTHER): PMU cycles skiff spent at EL2 on those exits, from the vector to
 * the ERET (its own PMCCNTR_EL0 reads, their overhead subtracted). Under QEMU with
 * -icount shift=0 a cycle is an instruction. Counts only while the guest has the cycle
 * counter enabled with PMCCFILTR_EL0.NSH set (counting at EL2). */
#define SKIFF_CNT_VCPU_EL2_COST 32
/* Counters of the calling guest as a whole (x2 is ignored) */
#define SKIFF_CNT_GUEST 48
#define SKIFF_CNT_GUEST_RESETS (SKIFF_CNT_GUEST + 0) /* times SYSTEM_RESET restarted it */
/* lines about this guest that skiff's per-guest log limit kept out of its log */
#define SKIFF_CNT_GUEST_LOG_SUPPRESSED (SKIFF_CNT_GUEST + 1)
#define SKIFF_CNT_GUEST_LAST SKIFF_CNT_GUEST_LOG_SUPPRESSED

/* Knobs for SKIFF_HVC_TEST_SET */
#define SKIFF_TEST_ONESHOT_NO_DEFERRAL 0 /* 1: release the oneshot mask at EOI, as KVM */

#endif
