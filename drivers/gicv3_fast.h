/*
 * gicv3_fast.h - the GICv3 registers the eoi/oneshot fast path (hyp/run/irq_fast.c) touches, as
 * inline functions: the virtual interface's ICH_ELRSR_EL2, ICH_EISR_EL2, ICH_MISR_EL2 and
 * ICH_LR<n>_EL2 (written and read), the CPU interface's priority drop and deactivation, and an
 * SPI's enable. The same registers as drivers/gicv3_lr.c, gicv3_cpuif.c and gicv3.c reach, without
 * a call. Image only; touches nothing else.
 */
#ifndef SKIFF_DRIVERS_GICV3_FAST_H
#define SKIFF_DRIVERS_GICV3_FAST_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/sysreg.h"
#include "drivers/gicv3_regs.h"
#include "drivers/mmio.h"

static inline uint32_t gicv3_fast_elrsr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_5); /* ICH_ELRSR_EL2 */
}

static inline uint32_t gicv3_fast_eisr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_3); /* ICH_EISR_EL2 */
}

static inline uint32_t gicv3_fast_misr(void)
{
	return (uint32_t)read_sysreg(S3_4_C12_C11_2); /* ICH_MISR_EL2 */
}

/* ICH_LR<n>_EL2 = val, n 0..15 (the caller's bit of a 16-bit mask): a computed branch into
 * sixteen two-instruction stubs, as arch/arm64/ich_lr_regs.S, but inline */
static inline void gicv3_fast_write_lr(unsigned int n, uint64_t val)
{
	uint64_t tmp;

	__asm__ volatile("adr	%0, 1f\n\t"
			 "add	%0, %0, %w1, uxtw #3\n\t"
			 "br	%0\n"
			 "1:\n\t"
			 ".irp	op2, 0, 1, 2, 3, 4, 5, 6, 7\n\t"
			 "msr	S3_4_C12_C12_\\op2, %2\n\t"
			 "b	2f\n\t"
			 ".endr\n\t"
			 ".irp	op2, 0, 1, 2, 3, 4, 5, 6, 7\n\t"
			 "msr	S3_4_C12_C13_\\op2, %2\n\t"
			 "b	2f\n\t"
			 ".endr\n"
			 "2:"
			 : "=&r"(tmp)
			 : "r"(n), "r"(val)
			 : "memory");
}

/* ICH_LR<n>_EL2, n 0..15: the same computed branch, reading */
static inline uint64_t gicv3_fast_read_lr(unsigned int n)
{
	uint64_t tmp, val;

	__asm__ volatile("adr	%0, 1f\n\t"
			 "add	%0, %0, %w2, uxtw #3\n\t"
			 "br	%0\n"
			 "1:\n\t"
			 ".irp	op2, 0, 1, 2, 3, 4, 5, 6, 7\n\t"
			 "mrs	%1, S3_4_C12_C12_\\op2\n\t"
			 "b	2f\n\t"
			 ".endr\n\t"
			 ".irp	op2, 0, 1, 2, 3, 4, 5, 6, 7\n\t"
			 "mrs	%1, S3_4_C12_C13_\\op2\n\t"
			 "b	2f\n\t"
			 ".endr\n"
			 "2:"
			 : "=&r"(tmp), "=&r"(val)
			 : "r"(n));
	return val;
}

static inline void gicv3_fast_eoi(unsigned int intid)
{
	write_sysreg(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1: priority drop */
	isb();
}

static inline void gicv3_fast_deactivate(unsigned int intid)
{
	write_sysreg(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
	isb();
}

/* ICC_DIR_EL1 without the ISB: an SPI's deactivation where what follows does not depend on it
 * having taken effect (the maintenance interrupt's own EOI and deactivation, with their ISBs,
 * and the ERET, a context synchronization event, come after it) */
static inline void gicv3_fast_deactivate_spi(unsigned int intid)
{
	write_sysreg(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
}

/* gicv3_spi_enable() */
static inline void gicv3_fast_spi_enable(uintptr_t gicd, unsigned int intid, bool on)
{
	mmio_write32(gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4,
		     1u << (intid % 32));
}

#endif
