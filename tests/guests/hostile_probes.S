/*
 * hostile_probes.S - the instructions the hostile guest aims at what it must not reach: one
 * small function per form of access (loads and stores of every width, sign-extending,
 * pairs, exclusives, acquire/release, writeback, DC ZVA), a branch to an address, MRS and MSR
 * of each ICC_* and of EL2/EL3 registers, HVC and SMC. Each has the instructions that may
 * fault, and nothing else that can, between probe_start and probe_end: the guest's exception
 * hook skips an instruction there (ELR + 4) and nowhere else. Touches only what x0 names.
 *
 * C prototypes (hostile.c):
 *   struct probe_ret probe_<load>(uint64_t addr, uint64_t sentinel)  x0 = value (x1: 2nd)
 *   struct probe_ret probe_<store>(uint64_t addr, uint64_t v, uint64_t v2)
 *   writeback forms return the base register after the instruction in x1 (loads) or x0
 *   uint64_t probe_stxr_{w,x}(addr, v): LDXR then STXR; the status (0 stored, 1 not, 2 the
 *   STXR faulted) in x0
 *   uint64_t probe_branch(uint64_t target): BLR target; comes back at probe_branch_ret,
 *   through the hook after the fetch faulted (x0 = 0) or because the code there returned,
 *   or at probe_branch_recover (x0 = 2) when that code ran and faulted elsewhere; the hook's
 *   record tells the cases apart
 *   uint64_t probe_mrs_<reg>(uint64_t sentinel), void probe_msr_<reg>(uint64_t v)
 *   void probe_{hvc,smc}_<imm>(uint64_t regs[8]): x0..x7 from regs, x0..x7 back into it
 */
	.section .text.probes, "ax"
	.balign	16
	.globl	probe_start
probe_start:

.macro	func name
	.globl	\name
	.type	\name, %function
\name:
.endm

/* ---- loads: x1 = sentinel (what the result reads if the load is skipped) */
.macro	load name, insn
	func	probe_\name
	mov	x3, x1
	\insn
	mov	x0, x3
	mov	x1, x3
	ret
.endm

	load	ldrb, "ldrb w3, [x0]"
	load	ldrh, "ldrh w3, [x0]"
	load	ldr_w, "ldr w3, [x0]"
	load	ldr_x, "ldr x3, [x0]"
	load	ldrsb, "ldrsb x3, [x0]"
	load	ldrsh, "ldrsh x3, [x0]"
	load	ldrsw, "ldrsw x3, [x0]"
	load	ldar_x, "ldar x3, [x0]"
	load	ldar_w, "ldar w3, [x0]"

	func	probe_ldxr_x
	mov	x3, x1
	ldxr	x3, [x0]
	clrex
	mov	x0, x3
	mov	x1, x3
	ret

	func	probe_ldxr_w
	mov	x3, x1
	ldxr	w3, [x0]
	clrex
	mov	x0, x3
	mov	x1, x3
	ret

	func	probe_ldp_x
	mov	x3, x1
	mov	x4, x1
	ldp	x3, x4, [x0]
	mov	x0, x3
	mov	x1, x4
	ret

	func	probe_ldp_w
	mov	x3, x1
	mov	x4, x1
	ldp	w3, w4, [x0]
	mov	x0, x3
	mov	x1, x4
	ret

/* writeback: the caller passes the base; pre-index accesses base + 8, post-index base */
	func	probe_ldr_pre
	mov	x3, x1
	ldr	x3, [x0, #8]!
	mov	x1, x0
	mov	x0, x3
	ret

	func	probe_ldr_post
	mov	x3, x1
	ldr	x3, [x0], #8
	mov	x1, x0
	mov	x0, x3
	ret

/* ---- stores: x1 (and x2) the value */
.macro	store name, insn
	func	probe_\name
	\insn
	ret
.endm

	store	strb, "strb w1, [x0]"
	store	strh, "strh w1, [x0]"
	store	str_w, "str w1, [x0]"
	store	str_x, "str x1, [x0]"
	store	stlr_x, "stlr x1, [x0]"
	store	stlr_w, "stlr w1, [x0]"
	store	stp_x, "stp x1, x2, [x0]"
	store	stp_w, "stp w1, w2, [x0]"
	store	str_pre, "str x1, [x0, #8]!"
	store	str_post, "str x1, [x0], #8"
	store	dc_zva, "dc zva, x0"

	func	probe_stxr_x
	mov	w4, #2
	ldxr	x3, [x0]
	stxr	w4, x1, [x0]
	clrex
	mov	x0, x4
	ret

	func	probe_stxr_w
	mov	w4, #2
	ldxr	w3, [x0]
	stxr	w4, w1, [x0]
	clrex
	mov	x0, x4
	ret

/*
 * ---- a branch to x0. A fetch that faults comes back through the hook at probe_branch_ret
 * (ELR = x30); if the code at x0 runs and faults elsewhere, the hook sends it to
 * probe_branch_recover, which takes back the stack and registers saved here.
 */
	func	probe_branch
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mrs	x9, tpidr_el1
	and	x9, x9, #7
	adrp	x10, probe_branch_sp
	add	x10, x10, :lo12:probe_branch_sp
	mov	x11, sp
	str	x11, [x10, x9, lsl #3]
	mov	x16, x0
	mov	x0, #0
	blr	x16
	.globl	probe_branch_ret
probe_branch_ret:
1:	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	func	probe_branch_recover
	mrs	x9, tpidr_el1
	and	x9, x9, #7
	adrp	x10, probe_branch_sp
	add	x10, x10, :lo12:probe_branch_sp
	ldr	x11, [x10, x9, lsl #3]
	mov	sp, x11
	mov	x0, #2
	b	1b

/* ---- system registers: MRS returns the sentinel if skipped */
.macro	sysreg name, enc
	func	probe_mrs_\name
	mrs	x0, \enc
	ret
	func	probe_msr_\name
	msr	\enc, x0
	ret
.endm

	/* the GICv3 CPU interface at EL1 (ICV_* under a hypervisor) */
	sysreg	icc_pmr, S3_0_C4_C6_0
	sysreg	icc_iar0, S3_0_C12_C8_0
	sysreg	icc_eoir0, S3_0_C12_C8_1
	sysreg	icc_hppir0, S3_0_C12_C8_2
	sysreg	icc_bpr0, S3_0_C12_C8_3
	sysreg	icc_ap0r0, S3_0_C12_C8_4
	sysreg	icc_ap0r1, S3_0_C12_C8_5
	sysreg	icc_ap0r2, S3_0_C12_C8_6
	sysreg	icc_ap0r3, S3_0_C12_C8_7
	sysreg	icc_ap1r0, S3_0_C12_C9_0
	sysreg	icc_ap1r1, S3_0_C12_C9_1
	sysreg	icc_ap1r2, S3_0_C12_C9_2
	sysreg	icc_ap1r3, S3_0_C12_C9_3
	sysreg	icc_dir, S3_0_C12_C11_1
	sysreg	icc_rpr, S3_0_C12_C11_3
	sysreg	icc_sgi1r, S3_0_C12_C11_5
	sysreg	icc_asgi1r, S3_0_C12_C11_6
	sysreg	icc_sgi0r, S3_0_C12_C11_7
	sysreg	icc_iar1, S3_0_C12_C12_0
	sysreg	icc_eoir1, S3_0_C12_C12_1
	sysreg	icc_hppir1, S3_0_C12_C12_2
	sysreg	icc_bpr1, S3_0_C12_C12_3
	sysreg	icc_ctlr, S3_0_C12_C12_4
	sysreg	icc_sre, S3_0_C12_C12_5
	sysreg	icc_igrpen0, S3_0_C12_C12_6
	sysreg	icc_igrpen1, S3_0_C12_C12_7

	/* EL2 and EL3 registers: UNDEFINED at EL1 */
	sysreg	hcr_el2, S3_4_C1_C1_0
	sysreg	mdcr_el2, S3_4_C1_C1_1
	sysreg	cptr_el2, S3_4_C1_C1_2
	sysreg	sctlr_el2, S3_4_C1_C0_0
	sysreg	vttbr_el2, S3_4_C2_C1_0
	sysreg	vtcr_el2, S3_4_C2_C1_2
	sysreg	vmpidr_el2, S3_4_C0_C0_5
	sysreg	spsr_el2, S3_4_C4_C0_0
	sysreg	elr_el2, S3_4_C4_C0_1
	sysreg	sp_el1, S3_4_C4_C1_0
	sysreg	esr_el2, S3_4_C5_C2_0
	sysreg	vbar_el2, S3_4_C12_C0_0
	sysreg	tpidr_el2, S3_4_C13_C0_2
	sysreg	cnthctl_el2, S3_4_C14_C1_0
	sysreg	cntvoff_el2, S3_4_C14_C0_3
	sysreg	ich_ap1r0_el2, S3_4_C12_C9_0
	sysreg	icc_sre_el2, S3_4_C12_C9_5
	sysreg	ich_hcr_el2, S3_4_C12_C11_0
	sysreg	ich_vmcr_el2, S3_4_C12_C11_7
	sysreg	ich_lr0_el2, S3_4_C12_C12_0
	sysreg	scr_el3, S3_6_C1_C1_0
	sysreg	sp_el2, S3_6_C4_C1_0
	sysreg	vbar_el3, S3_6_C12_C0_0
	sysreg	icc_ctlr_el3, S3_6_C12_C12_4
	sysreg	icc_sre_el3, S3_6_C12_C12_5

/* ---- calls: x0 = &regs[8]; x0..x7 in, x0..x7 out */
.macro	call name, insn
	func	probe_\name
	str	x0, [sp, #-16]!
	mov	x9, x0
	ldp	x0, x1, [x9]
	ldp	x2, x3, [x9, #16]
	ldp	x4, x5, [x9, #32]
	ldp	x6, x7, [x9, #48]
	\insn
	ldr	x9, [sp], #16
	stp	x0, x1, [x9]
	stp	x2, x3, [x9, #16]
	stp	x4, x5, [x9, #32]
	stp	x6, x7, [x9, #48]
	ret
.endm

	call	hvc_0, "hvc #0"
	call	hvc_1, "hvc #1"
	call	hvc_ffff, "hvc #0xffff"
	call	smc_0, "smc #0"
	call	smc_1, "smc #1"

	.globl	probe_end
probe_end:

	.section .bss.probes, "aw", %nobits
	.balign	8
probe_branch_sp:
	.space	8 * 8
