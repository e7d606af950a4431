/*
 * sysreg.h - system register accessors and the EL2 register fields skiff uses, named as
 * the Arm ARM names them. In the image they are inline assembly; in host tests
 * (SKIFF_HOST_TEST) every access goes to host_sysreg_read/write and every barrier, WFI/WFE,
 * SEV and interrupt mask change to host_cpu_op, which the test provides
 * (tests/unit/fake_cpu.c): the narrow interface through which host tests play the CPU.
 */
#ifndef SKIFF_ARCH_SYSREG_H
#define SKIFF_ARCH_SYSREG_H

#include "arch/arm64/regs.h"

#ifndef __ASSEMBLY__
#include <stdint.h>

#ifdef SKIFF_HOST_TEST
uint64_t host_sysreg_read(const char *name);
void host_sysreg_write(const char *name, uint64_t val);
/* "isb", "dsb sy", "dsb ish", "wfi", "wfe", "sev", "irq_enable", "irq_disable" */
void host_cpu_op(const char *op);

#define read_sysreg(r) host_sysreg_read(#r)
#define write_sysreg(r, v) host_sysreg_write(#r, (uint64_t)(v))
static inline void isb(void)
{
	host_cpu_op("isb");
}
static inline void dsb_sy(void)
{
	host_cpu_op("dsb sy");
}
static inline void dsb_ish(void)
{
	host_cpu_op("dsb ish");
}
static inline void wfi(void)
{
	host_cpu_op("wfi");
}
static inline void wfe(void)
{
	host_cpu_op("wfe");
}
static inline void sev(void)
{
	host_cpu_op("sev");
}
static inline void irq_enable(void)
{
	host_cpu_op("irq_enable");
}
static inline void irq_disable(void)
{
	host_cpu_op("irq_disable");
}
#else
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
#endif

static inline uint64_t cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}
#endif

#endif
