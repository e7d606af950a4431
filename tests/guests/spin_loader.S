/*
 * spin_loader.S - a test boot loader that hands skiff its secondary CPUs as the Raspberry Pi
 * 4's firmware does: each waiting in a spin-table (Linux's Documentation/arm64/booting.rst),
 * none through PSCI. QEMU runs it as -bios, from flash at 0x0, at EL2 with the MMU off
 * (tests/qemu/test_spin_table.py). The boot CPU starts every other CPU into the pen below
 * with QEMU's PSCI CPU_ON, then enters skiff at SKIFF_ADDR (put there by -device loader) with
 * x0 = the device tree QEMU put at the start of RAM: the test's, whose cpus say
 * enable-method = "spin-table", cpu-release-addr = PEN_BASE + 8 * Aff0. A CPU in the pen waits
 * with WFE until its release address holds an entry, then jumps there at EL2 with its MMU
 * off and junk in x0-x3, so that skiff cannot lean on them.
 * Writes nothing but its release addresses; knows nothing of skiff but where it is.
 */
#define PSCI_FN64_CPU_ON 0xc4000003
#define DTB_ADDR 0x40000000	/* where QEMU virt puts the tree for firmware */
#define SKIFF_ADDR 0x40200000	/* the test's -device loader address */
#define PEN_BASE 0x7ffff000	/* the last page of -m 1G: PEN_BASE in test_spin_table.py */
#define MAX_CPUS 8
#define JUNK 0x5a5a5a5a5a5a5a5a

	.text
	.globl	_start
_start:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	cbnz	x0, pen				/* QEMU starts only CPU 0 here; be sure */
	ldr	x20, =PEN_BASE
	mov	x19, #1				/* MPIDR of the next CPU: Aff0 only on virt */
1:	str	xzr, [x20, x19, lsl #3]		/* its release address: empty */
	ldr	x0, =PSCI_FN64_CPU_ON
	mov	x1, x19
	adr	x2, pen
	mov	x3, #0
	smc	#0
	cbnz	x0, 2f				/* no such CPU: every one is in the pen */
	add	x19, x19, #1
	cmp	x19, #MAX_CPUS
	b.lo	1b
2:	ldr	x0, =DTB_ADDR			/* booting.rst: x0 = DTB, x1-x3 = 0 */
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	ldr	x4, =SKIFF_ADDR
	br	x4

/* A secondary CPU: wait for an entry at PEN_BASE + 8 * Aff0, then go there. */
pen:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	ldr	x1, =PEN_BASE
	add	x1, x1, x0, lsl #3
1:	ldr	x4, [x1]
	cbnz	x4, 2f
	wfe
	b	1b
2:	ldr	x0, =JUNK
	mov	x1, x0
	mov	x2, x0
	mov	x3, x0
	br	x4

	.ltorg
	.section .note.GNU-stack, "", %progbits
