/*
 * boot.c - the AArch32 test guests' boot: the device tree (r2), an identity map through the
 * short-descriptor format (1 MiB sections: RAM normal write-back, the rest Device), the command
 * line, PSCI calls, secondary CPUs, the counter, and the exception handler the vectors in
 * start.S call.
 */
#include "tests/guests/lib/bootargs.h"
#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib32/rt32.h"

#include <string.h>

#define SECTION_SHIFT 20
#define NR_SECTIONS 4096
#define SECT_TYPE 0x2u
#define SECT_B (1u << 2)
#define SECT_C (1u << 3)
#define SECT_XN (1u << 4)
#define SECT_AP_RW (3u << 10)
#define SECT_TEX1 (1u << 12)
#define SECT_TEX (7u << 12)
#define SECT_MEMTYPE (SECT_TYPE | SECT_TEX | SECT_C | SECT_B) /* TEX, C, B: the memory type */
#define SECT_S (1u << 16)
#define SECT_NORMAL (SECT_TYPE | SECT_B | SECT_C | SECT_TEX1 | SECT_AP_RW | SECT_S)
#define SECT_DEVICE (SECT_TYPE | SECT_B | SECT_XN | SECT_AP_RW)
#define SCTLR_M (1u << 0)
#define SCTLR_C (1u << 2)
#define SCTLR_Z (1u << 11)
#define SCTLR_I (1u << 12)
#define DACR_CLIENT_D0 1u

#define THUMB_MARK 0x7432 /* start.S: a Thumb-state entry at _start */

struct plat32 plat32;
uint32_t boot32_entry_mark; /* start.S */
struct exc32_record *volatile exc32_expect;
void (*irq32_handler)(uint32_t intid);

/* the translation table, 16 KiB-aligned at run time within this */
static uint32_t tt_space[NR_SECTIONS * 2];
static uint32_t *tt;
static volatile uint32_t cpu_up[RT32_MAX_CPUS];

extern char _start[];
void secondary32_entry(void);
void secondary32_entry_thumb(void);
void boot32_main(uint32_t r0, uint32_t r1, uint32_t r2, uint32_t cpsr);
void secondary32_main(uint32_t context, uint32_t thumb);
void exc32_handle(struct frame32 *f, uint32_t kind);

uint64_t counter(void)
{
	isb();
	return read_cp15_64(CNTVCT);
}

void udelay(uint32_t us)
{
	uint64_t end = counter() + (uint64_t)us * plat32.timer_hz / 1000000u;

	while (counter() < end)
		cpu_relax();
}

/* ---- PSCI */

int32_t psci_hvc(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 asm("r0") = fid, r1 asm("r1") = a1, r2 asm("r2") = a2,
			     r3 asm("r3") = a3;

	asm volatile(".arch_extension virt\n hvc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)::"memory");
	return (int32_t)r0;
}

int32_t psci_smc(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 asm("r0") = fid, r1 asm("r1") = a1, r2 asm("r2") = a2,
			     r3 asm("r3") = a3;

	asm volatile(".arch_extension sec\n smc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)::"memory");
	return (int32_t)r0;
}

int32_t psci_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return plat32.psci_smc ? psci_smc(fid, a1, a2, a3) : psci_hvc(fid, a1, a2, a3);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

/* ---- the device tree */

static uintptr_t reg0(const void *fdt, const struct fdt_node *n, uint32_t *size)
{
	uint64_t a = 0, s = 0;

	fdt_reg(fdt, n, 0, &a, &s);
	if (size)
		*size = (uint32_t)s;
	return (uintptr_t)a;
}

static bool visit(const void *fdt, const struct fdt_node *n, void *arg)
{
	uint32_t len;
	const char *p;

	(void)arg;
	if (!strncmp(n->name, "memory", 6) && plat32.nr_ram < RT32_MAX_RAM) {
		uint64_t a, s;
		unsigned int i;

		for (i = 0; plat32.nr_ram < RT32_MAX_RAM && fdt_reg(fdt, n, i, &a, &s); i++) {
			plat32.ram_base[plat32.nr_ram] = a;
			plat32.ram_size[plat32.nr_ram++] = s;
		}
	}
	if (n->depth == 2 && !strncmp(n->name, "cpu@", 4) && plat32.nr_cpus < RT32_MAX_CPUS)
		plat32.mpidr[plat32.nr_cpus++] = (uint32_t)reg0(fdt, n, NULL);
	if (!strcmp(n->name, "psci")) {
		p = fdt_prop(fdt, n->off, "method", &len);
		plat32.psci_smc = p && len >= 4 && !strcmp(p, "smc");
	}
	if (fdt_prop_has_string(fdt, n->off, "compatible", "skiff,hypervisor"))
		plat32.under_skiff = true;
	if (fdt_prop_has_string(fdt, n->off, "compatible", "arm,gic-v3")) {
		plat32.gicd = reg0(fdt, n, NULL);
		{
			uint64_t a = 0, s = 0;

			fdt_reg(fdt, n, 1, &a, &s);
			plat32.gicr = (uintptr_t)a;
			plat32.gicr_size = (uint32_t)s;
		}
	}
	if (fdt_prop_has_string(fdt, n->off, "compatible", "arm,pl031") && !plat32.rtc) {
		const uint8_t *irq = fdt_prop(fdt, n->off, "interrupts", &len);

		plat32.rtc = reg0(fdt, n, NULL);
		if (irq && len >= 8 && fdt_be32(irq) == 0)
			plat32.rtc_intid = fdt_be32(irq + 4) + 32;
	}
	return false;
}

/* /chosen: the console stdout-path names, the command line */
static void read_chosen(const void *fdt)
{
	struct fdt_node chosen, n;
	uint32_t len;
	const char *path;
	size_t len_path = 0;

	plat32.uart = 0x09000000; /* QEMU virt's PL011 */
	if (!fdt_find_path(fdt, "/chosen", 7, &chosen))
		return;
	path = fdt_prop(fdt, chosen.off, "stdout-path", &len);
	while (path && path[len_path] && path[len_path] != ':')
		len_path++;
	if (path && path[0] == '/' && fdt_find_path(fdt, path, len_path, &n))
		plat32.uart = reg0(fdt, &n, NULL);
	path = fdt_prop(fdt, chosen.off, "bootargs", &len);
	plat32.bootargs = path && len && path[len - 1] == '\0' ? path : NULL;
}

bool bootarg(const char *key, char *val, size_t size)
{
	return bootargs_get(plat32.bootargs, key, val, size);
}

/* ---- the MMU: identity, RAM normal memory, everything else Device (execute-never) but the
 * section at RT32_EXEC_PROBE */

static bool in_ram(uint64_t a)
{
	unsigned int i;

	for (i = 0; i < plat32.nr_ram; i++)
		if (a >= plat32.ram_base[i] && a - plat32.ram_base[i] < plat32.ram_size[i])
			return true;
	return false;
}

static void mmu_on(void)
{
	if (!tt) {
		uint32_t i;

		tt = (uint32_t *)(((uintptr_t)tt_space + 0x3fff) & ~(uintptr_t)0x3fff);
		for (i = 0; i < NR_SECTIONS; i++) {
			uint64_t a = (uint64_t)i << SECTION_SHIFT;

			tt[i] = (uint32_t)a |
				(in_ram(a) || a == RT32_EXEC_PROBE ? SECT_NORMAL : SECT_DEVICE);
		}
		dsb();
	}
	write_cp15(TTBCR, 0);			 /* short-descriptor, TTBR0 for all of it */
	write_cp15(TTBR0, (uintptr_t)tt | 0x4a); /* inner/outer write-back, shareable */
	write_cp15(DACR, DACR_CLIENT_D0);
	write_cp15(TLBIALL, 0);
	write_cp15(ICIALLU, 0);
	write_cp15(BPIALL, 0);
	dsb();
	isb();
	write_cp15(SCTLR, read_cp15(SCTLR) | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_Z);
	isb();
}

uint32_t mmu32_section(uintptr_t addr)
{
	return tt ? tt[addr >> SECTION_SHIFT] : 0;
}

bool mmu32_is_device(uintptr_t addr)
{
	return (mmu32_section(addr) & SECT_MEMTYPE) == (SECT_DEVICE & SECT_MEMTYPE);
}

/* ---- CPUs */

unsigned int this_cpu(void)
{
	uint32_t m = read_cp15(MPIDR) & 0xffffff;
	unsigned int i;

	for (i = 0; i < plat32.nr_cpus; i++)
		if ((plat32.mpidr[i] & 0xffffff) == m)
			return i;
	return 0;
}

int32_t cpu32_start(unsigned int cpu, uint32_t context, bool thumb)
{
	uintptr_t entry = thumb ? (uintptr_t)secondary32_entry_thumb : (uintptr_t)secondary32_entry;

	/* the Thumb function's address has bit 0 set already: PSCI's "enter in T32" */
	return psci_call(PSCI_CPU_ON, plat32.mpidr[cpu], entry, context);
}

void secondary32_main(uint32_t context, uint32_t thumb)
{
	mmu_on();
	gic32_cpu_init();
	cpu_up[this_cpu()] = 1;
	guest32_secondary(this_cpu(), context, thumb != 0);
	for (;;)
		wfi();
}

void boot32_main(uint32_t r0, uint32_t r1, uint32_t r2, uint32_t cpsr)
{
	const void *fdt = (const void *)(uintptr_t)r2;

	plat32.entry_r0 = r0;
	plat32.entry_r1 = r1;
	plat32.entry_r2 = r2;
	plat32.entry_cpsr = cpsr;
	plat32.entry_thumb = boot32_entry_mark == THUMB_MARK;
	plat32.base = (uintptr_t)_start;
	plat32.timer_hz = read_cp15(CNTFRQ);
	plat32.dtb = fdt;
	plat32.dtb_ok = fdt_check_header(fdt);
	plat32.uart = 0x09000000;
	if (plat32.dtb_ok) {
		read_chosen(fdt);
		fdt_walk(fdt, visit, NULL);
	}
	if (!plat32.nr_ram) { /* no tree: 128 MiB around the image */
		plat32.nr_ram = 1;
		plat32.ram_base[0] = plat32.base & ~0x7ffffffu;
		plat32.ram_size[0] = 0x8000000;
	}
	if (!plat32.nr_cpus)
		plat32.mpidr[plat32.nr_cpus++] = read_cp15(MPIDR) & 0xffffff;
	mmu_on();
	if (!plat32.gicd)
		bail_out("no arm,gic-v3 in the device tree");
	gic32_dist_init();
	gic32_cpu_init();
	cpu_up[0] = 1;
	guest32_main();
	tap_done();
}

/* ---- exceptions */

/* The length of the instruction at addr: 4 in ARM state; in Thumb 2 or 4 by its first
 * halfword (0b11101, 0b11110, 0b11111: 32 bits) */
static uint32_t insn_len(uint32_t addr, bool thumb)
{
	uint16_t hw;

	if (!thumb)
		return 4;
	hw = *(volatile uint16_t *)(uintptr_t)addr;
	return (hw >> 11) >= 0x1d ? 4 : 2;
}

void exc32_handle(struct frame32 *f, uint32_t kind)
{
	struct exc32_record *r = exc32_expect;
	bool thumb = f->cpsr & CPSR_T;
	uint32_t insn;

	if (kind == EXC32_IRQ) {
		uint32_t intid = gic32_ack();

		if (intid >= 1020)
			return;
		if (irq32_handler)
			irq32_handler(intid);
		gic32_eoi(intid);
		return;
	}
	if (!r || (kind != EXC32_UNDEF && kind != EXC32_PABT && kind != EXC32_DABT))
		bail_out("cpu%u: unexpected exception %u, LR 0x%x, SPSR 0x%x, DFSR 0x%x DFAR 0x%x",
			 this_cpu(), (unsigned int)kind, (unsigned int)f->pc, (unsigned int)f->cpsr,
			 (unsigned int)read_cp15(DFSR), (unsigned int)read_cp15(DFAR));
	r->count++;
	r->kind = (enum exc32_kind)kind;
	r->lr = f->pc;
	r->spsr = f->cpsr;
	if (r->resume_cpsr) {
		f->cpsr = r->resume_cpsr;
		thumb = f->cpsr & CPSR_T;
	}
	if (kind == EXC32_DABT) {
		r->fsr = read_cp15(DFSR);
		r->far = read_cp15(DFAR);
		insn = f->pc - 8;
	} else if (kind == EXC32_PABT) {
		r->fsr = read_cp15(IFSR);
		r->far = read_cp15(IFAR);
		f->pc = f->lr_svc; /* a branch went there: back to its caller */
		return;
	} else {
		insn = f->pc - (thumb ? 2 : 4);
	}
	f->pc = insn + insn_len(insn, thumb);
}
