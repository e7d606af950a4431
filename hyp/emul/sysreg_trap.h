/*
 * sysreg_trap.h - a trapped MSR/MRS (ESR_ELx.EC 0x18, Arm ARM D19.2.40 "ISS encoding for an
 * exception from MSR, MRS or System instruction") as the emulators see it: the register named
 * by a key made of its encoding, the direction, and what the emulator decided.
 */
#ifndef SKIFF_HYP_SYSREG_TRAP_H
#define SKIFF_HYP_SYSREG_TRAP_H

#include <stdint.h>

/* ISS fields: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Dir [0] */
#define SYSREG_ISS_DIR_READ 1u
#define SYSREG_ISS_RT_SHIFT 5
#define SYSREG_ISS_RT_MASK 0x1f
#define SYSREG_ISS_KEY_MASK 0x3ffc1e /* Op0, Op2, Op1, CRn, CRm */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_OP0(key) (((key) >> 20) & 0x3)
#define SYSREG_OP2(key) (((key) >> 17) & 0x7)
#define SYSREG_OP1(key) (((key) >> 14) & 0x7)
#define SYSREG_CRN(key) (((key) >> 10) & 0xf)
#define SYSREG_CRM(key) (((key) >> 1) & 0xf)

enum sysreg_trap_result {
	SYSREG_DONE,	 /* emulated: a read's value is in *val */
	SYSREG_UNDEF,	 /* the architecture makes this access UNDEFINED: inject UNDEF */
	SYSREG_NOT_MINE, /* not a register this emulator handles */
};

#endif
