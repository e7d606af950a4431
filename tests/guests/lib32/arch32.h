/*
 * arch32.h - the AArch32 test guests' view of the CPU: CP15 system registers by name (the
 * GICv3 CPU interface, the generic timer, MMU and identification), barriers, interrupt
 * masking, MMIO by single LDR/STR (so that a hypervisor gets a valid syndrome), a spinlock.
 * Touches nothing by itself.
 */
#ifndef GUEST_LIB32_ARCH32_H
#define GUEST_LIB32_ARCH32_H

#include <stdbool.h>
#include <stdint.h>

#define __str1(...) #__VA_ARGS__
#define __str(...) __str1(__VA_ARGS__)

/* 32-bit CP15 registers: "p15, opc1, %0, CRn, CRm, opc2" */
#define read_cp15(enc)                                                 \
	({                                                             \
		uint32_t __v;                                          \
		asm volatile("mrc " __str(enc) : "=r"(__v)::"memory"); \
		__v;                                                   \
	})
#define write_cp15(enc, v) asm volatile("mcr " __str(enc)::"r"((uint32_t)(v)) : "memory")
/* 64-bit ones: "p15, opc1, %Q0, %R0, CRm" */
#define read_cp15_64(enc)                                               \
	({                                                              \
		uint64_t __v;                                           \
		asm volatile("mrrc " __str(enc) : "=r"(__v)::"memory"); \
		__v;                                                    \
	})
#define write_cp15_64(enc, v) asm volatile("mcrr " __str(enc)::"r"((uint64_t)(v)) : "memory")

/* clang-format off */
#define MPIDR p15, 0, %0, c0, c0, 5
#define SCTLR p15, 0, %0, c1, c0, 0
#define TTBR0 p15, 0, %0, c2, c0, 0
#define TTBCR p15, 0, %0, c2, c0, 2
#define DACR p15, 0, %0, c3, c0, 0
#define DFSR p15, 0, %0, c5, c0, 0
#define IFSR p15, 0, %0, c5, c0, 1
#define DFAR p15, 0, %0, c6, c0, 0
#define IFAR p15, 0, %0, c6, c0, 2
#define ICIALLU p15, 0, %0, c7, c5, 0
#define BPIALL p15, 0, %0, c7, c5, 6
#define TLBIALL p15, 0, %0, c8, c7, 0
#define VBAR p15, 0, %0, c12, c0, 0
#define CNTFRQ p15, 0, %0, c14, c0, 0
#define CNTP_TVAL p15, 0, %0, c14, c2, 0
#define CNTP_CTL p15, 0, %0, c14, c2, 1
#define CNTV_TVAL p15, 0, %0, c14, c3, 0
#define CNTV_CTL p15, 0, %0, c14, c3, 1
#define CNTVCT p15, 1, %Q0, %R0, c14
#define CNTV_CVAL p15, 3, %Q0, %R0, c14
/* the GICv3 CPU interface (IHI 0069, AArch32 encodings) */
#define ICC_PMR p15, 0, %0, c4, c6, 0
#define ICC_IAR1 p15, 0, %0, c12, c12, 0
#define ICC_EOIR1 p15, 0, %0, c12, c12, 1
#define ICC_BPR1 p15, 0, %0, c12, c12, 3
#define ICC_CTLR p15, 0, %0, c12, c12, 4
#define ICC_SRE p15, 0, %0, c12, c12, 5
#define ICC_IGRPEN1 p15, 0, %0, c12, c12, 7
#define ICC_RPR p15, 0, %0, c12, c11, 3
#define ICC_SGI1R p15, 0, %Q0, %R0, c12
#define ICC_ASGI1R p15, 1, %Q0, %R0, c12
#define ICC_SGI0R p15, 2, %Q0, %R0, c12
/* clang-format on */

#define CPSR_MODE_MASK 0x1fu
#define CPSR_MODE_SVC 0x13u
#define CPSR_T (1u << 5)
#define CPSR_F (1u << 6)
#define CPSR_I (1u << 7)
#define CPSR_A (1u << 8)

static inline void isb(void)
{
	asm volatile("isb" ::: "memory");
}

static inline void dsb(void)
{
	asm volatile("dsb sy" ::: "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("yield" ::: "memory");
}

static inline void wfi(void)
{
	asm volatile("wfi" ::: "memory");
}

static inline uint32_t read_cpsr(void)
{
	uint32_t v;

	asm volatile("mrs %0, cpsr" : "=r"(v)::"memory");
	return v;
}

static inline void irq_enable(void)
{
	asm volatile("cpsie i" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cpsid i" ::: "memory");
}

static inline uint32_t irq_save(void)
{
	uint32_t f = read_cpsr();

	irq_disable();
	return f;
}

static inline void irq_restore(uint32_t f)
{
	if (!(f & CPSR_I))
		irq_enable();
}

static inline uint32_t mmio_read32(uintptr_t a)
{
	uint32_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	asm volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
}

static inline void mmio_write8(uintptr_t a, uint8_t v)
{
	asm volatile("strb %0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
}

/* a 64-bit register as two word accesses, low then high (no LDRD: no syndrome for it) */
static inline uint64_t mmio_read64(uintptr_t a)
{
	uint32_t lo = mmio_read32(a);

	return (uint64_t)mmio_read32(a + 4) << 32 | lo;
}

static inline void mmio_write64(uintptr_t a, uint64_t v)
{
	mmio_write32(a, (uint32_t)v);
	mmio_write32(a + 4, (uint32_t)(v >> 32));
}

struct spinlock32 {
	volatile uint32_t v;
};

static inline void spin_lock32(struct spinlock32 *l)
{
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static inline void spin_unlock32(struct spinlock32 *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

#endif
