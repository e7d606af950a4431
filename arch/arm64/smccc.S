/*
 * smccc.S - SMC Calling Convention calls to the firmware (SMCCC 1.1 register use: function
 * id and arguments in x0-x3, result in x0). Nothing else is touched.
 */
	.section .text, "ax"

/* uint64_t smccc_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3) */
	.globl	smccc_smc
smccc_smc:
	smc	#0
	ret

/* uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3) */
	.globl	smccc_hvc
smccc_hvc:
	hvc	#0
	ret
