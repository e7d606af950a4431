/*
 * abort.h - decoding a guest data abort taken to EL2 (ESR_EL2 ISS for EC 0x24, Arm ARM
 * D17.2.37) into the MMIO access it stands for, and completing a read into the guest's
 * register. Pure logic over the syndrome and a register array.
 */
#ifndef SKIFF_HYP_ABORT_H
#define SKIFF_HYP_ABORT_H

#include <stdbool.h>
#include <stdint.h>

#define ESR_EC_DABT_LOW 0x24
#define ESR_IL (1ull << 25)
#define ESR_ISS_ISV (1ull << 24)
#define ESR_ISS_SAS_SHIFT 22
#define ESR_ISS_SAS_MASK 0x3
#define ESR_ISS_SSE (1ull << 21)
#define ESR_ISS_SRT_SHIFT 16
#define ESR_ISS_SRT_MASK 0x1f
#define ESR_ISS_SF (1ull << 15)
#define ESR_ISS_AR (1ull << 14)
#define ESR_ISS_EA (1ull << 9)
#define ESR_ISS_S1PTW (1ull << 7)
#define ESR_ISS_WNR (1ull << 6)
#define ESR_ISS_DFSC_MASK 0x3f
#define HPFAR_FIPA_MASK 0x00000ffffffffff0ull /* FIPA [43:4] = IPA [51:12] */
#define HPFAR_FIPA_SHIFT 8

struct mmio_access {
	uint64_t ipa;
	unsigned int width; /* bytes: 1, 2, 4, 8 */
	bool write;
	bool sign_extend; /* SSE */
	bool reg64;	  /* SF: the register is X, else W */
	unsigned int reg; /* 0-30, 31 = XZR/WZR */
};

/* Fill *acc from ESR_EL2, HPFAR_EL2 and FAR_EL2. false when the syndrome carries no
 * instruction description (ISV == 0) or is a stage-1 page-table walk (S1PTW): such an
 * access cannot be emulated. acc->ipa is set either way (for the error message). */
bool abort_decode(uint64_t esr, uint64_t hpfar, uint64_t far, struct mmio_access *acc);

/* The value a write stores: register reg of regs (0 for XZR), truncated to width. */
uint64_t abort_write_value(const struct mmio_access *acc, const uint64_t regs[31]);

/* Complete a read: val (width bytes) sign- or zero-extended into register reg of regs as
 * the syndrome says (W registers are zero-extended to 64 bits). XZR is left alone. */
void abort_complete_read(const struct mmio_access *acc, uint64_t val, uint64_t regs[31]);

#endif
