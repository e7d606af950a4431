/*
 * sysreg.h - system register accessors and the EL2 register fields skiff uses, named as
 * the Arm ARM names them. Only for code built for the image (inline assembly).
 */
#ifndef SKIFF_ARCH_SYSREG_H
#define SKIFF_ARCH_SYSREG_H

#include "arch/arm64/regs.h"

#ifndef __ASSEMBLY__
#include <stdint.h>

#define read_sysreg(r)                                       \
	({                                                   \
		uint64_t __v;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(__v)); \
		__v;                                         \
	})

#define write_sysreg(r, v)                                       \
	do {                                                     \
		uint64_t __v = (uint64_t)(v);                    \
		__asm__ volatile("msr " #r ", %0" : : "r"(__v)); \
	} while (0)

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void wfe(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

static inline void sev(void)
{
	__asm__ volatile("sev" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline uint64_t cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}
#endif

#endif
