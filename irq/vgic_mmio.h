/*
 * vgic_mmio.h - private to irq/vgic*.c: the table-driven register machinery of the virtual
 * GICv3 (descriptor types, access-width rules, the per-INTID field handlers shared by the
 * distributor and the redistributor) and the register names the emulation adds to
 * drivers/gicv3_regs.h. Knows nothing of traps or list registers; no other module includes it.
 */
#ifndef SKIFF_IRQ_VGIC_MMIO_H
#define SKIFF_IRQ_VGIC_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gicv3_regs.h"
#include "irq/vgic.h"

/*
 * Registers and fields (IHI 0069 12.9, 12.10, 12.11) that drivers/gicv3_regs.h does not name.
 * Written exactly as that header writes its own, so that the same definition added there
 * later is a harmless identical redefinition.
 */
#define GICD_STATUSR 0x0010
#define GICD_ITARGETSR 0x0800
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_PIDR4 0xffd0 /* first of the identification registers, up to CIDR3 at 0xfffc */

#define GICD_TYPER_CPUNUMBER_SHIFT 5
#define GICD_TYPER_SECURITYEXTN (1u << 10)
#define GICD_TYPER_MBIS (1u << 16)
#define GICD_TYPER_LPIS (1u << 17)
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_A3V (1u << 24)
#define GICD_TYPER_NO1N (1u << 25)
#define GICD_TYPER_RSS (1u << 26)

#define GICD_IIDR_IMPLEMENTER_SHIFT 0
#define GICD_IIDR_REVISION_SHIFT 12
#define GICD_IIDR_VARIANT_SHIFT 16
#define GICD_IIDR_PRODUCTID_SHIFT 24

#define GICD_IROUTER_IRM (1ull << 31)

#define GICD_ICFGR_EDGE 0x2u /* Int_config[1] of an INTID's 2-bit field */

#define GICR_STATUSR 0x0010
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR4 0xffd0

#define GICR_TYPER_PROCESSOR_NUMBER_SHIFT 8

#define GICR_ISPENDR0 (GICR_SGI_BASE + 0x0200)
#define GICR_ISACTIVER0 (GICR_SGI_BASE + 0x0300)
#define GICR_IGRPMODR0 (GICR_SGI_BASE + 0x0d00)
#define GICR_NSACR (GICR_SGI_BASE + 0x0e00)

/* Identification registers PIDR4..PIDR7, PIDR0..PIDR3, CIDR0..CIDR3 (0xffd0..0xfffc) */
#define GIC_IDREGS_COUNT 12
#define GIC_IDREG_PIDR4 0 /* their indices from PIDR4 */
#define GIC_IDREG_PIDR2 6
#define GIC_PIDR4_SIZE_SHIFT 4 /* log2 of the frame's size in 4 KiB pages */
#define GIC_PIDR4_SIZE_MASK (0xfu << GIC_PIDR4_SIZE_SHIFT)
#define GIC_ARCHREV_GICV2 2

/* The GICv2 distributor (IHI 0048B 4.3) where it differs from GICv3's: one 4 KiB page, its
 * identification registers ICPIDR4..ICCIDR3 at 0xfd0..0xffc */
#define GICD_V2_ICPIDR4 0x0fd0
#define GICD_V2_TYPER_CPUNUMBER_MASK (0x7u << GICD_TYPER_CPUNUMBER_SHIFT)
#define GICD_SGIR_TARGETLISTFILTER_SHIFT 24
#define GICD_SGIR_TARGETLISTFILTER_MASK 0x3u
#define GICD_SGIR_FILTER_LIST 0	  /* the CPUs of CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS 1 /* every CPU but the requesting one */
#define GICD_SGIR_FILTER_SELF 2	  /* the requesting CPU only (3 is reserved) */
#define GICD_SGIR_CPUTARGETLIST_SHIFT 16
#define GICD_SGIR_CPUTARGETLIST_MASK 0xffu
#define GICD_SGIR_NSATT (1u << 15)
#define GICD_SGIR_SGIINTID_MASK 0xfu

/*
 * The identity skiff's virtual GIC reports. IIDR: JEP106 implementer 0x43b (Arm), product ID
 * 0x53 ('S'), variant 0, revision 0 - not a product Arm ships, so a guest applies no
 * hardware erratum workaround keyed on IIDR (KVM does the same with 'K'). The CoreSight
 * identification registers carry the same designer (Arm: JEP106 continuation 0x4, identity
 * 0x3b) and part number 0x053, a 64 KiB frame (PIDR4.SIZE = 4), ArchRev 3 in PIDR2, and the
 * standard component ID 0xb105f00d.
 */
#define VGIC_IIDR_IMPLEMENTER 0x43bu
#define VGIC_IIDR_PRODUCTID 0x53u
#define VGIC_IIDR                                               \
	(VGIC_IIDR_IMPLEMENTER << GICD_IIDR_IMPLEMENTER_SHIFT | \
	 VGIC_IIDR_PRODUCTID << GICD_IIDR_PRODUCTID_SHIFT)

/* GICD_TYPER.IDbits: INTID bits minus one (10 bits: INTIDs 0..1023, no LPIs) */
#define VGIC_IDBITS 9
/* GICD/GICR registers with one field per INTID cover this many INTIDs in the distributor */
#define VGIC_GICD_INTIDS 1024
/* the priority bits the guest can store: VGIC_PRIO_BITS upper bits of the byte */
#define VGIC_PRIO_MASK ((0xffu << (8 - VGIC_PRIO_BITS)) & 0xffu)

/* Access widths a register allows: a mask of the sizes in bytes, so (widths & width) tests
 * an access of width 1, 2, 4 or 8 */
#define VGIC_W8 1u
#define VGIC_W16 2u
#define VGIC_W32 4u
#define VGIC_W64 8u

/* One guest access: the VM and the vCPU it concerns - for the redistributor the vCPU whose
 * frame is addressed, for the distributor the vCPU doing the access. */
struct vgic_mmio {
	struct vgic *vg;
	struct vgic_cpu *vc;
};

enum vgic_reg_type {
	VGIC_REG_BITS, /* one field of bpi bits per INTID; INTID base from the offset */
	VGIC_REG_32,   /* 32-bit registers */
	VGIC_REG_64,   /* 64-bit registers, accessible whole or as two 32-bit halves */
};

/*
 * One row of a register table: an array of registers of one kind starting at offset and
 * covering len bytes. A NULL handler reads as zero or ignores the write.
 * - VGIC_REG_BITS: read_irq returns the field of one INTID (low bpi bits), write_irq gets the
 *   field written for it; both only ever see virqs the frame's lookup returned, never
 *   foreign, private-in-GICD or out-of-range INTIDs.
 * - VGIC_REG_32 / VGIC_REG_64: idx is the register's index in the array; a 32-bit write to
 *   one half of a 64-bit register reaches write as the whole new 64-bit value.
 */
struct vgic_reg {
	uint32_t offset;
	uint32_t len;
	uint8_t type; /* enum vgic_reg_type */
	uint8_t bpi;
	uint8_t widths; /* VGIC_W* */
	bool w1;	/* one bit per INTID that only a 1 acts on (the set and clear registers) */
	bool state;	/* w1 and writes pending or active state: I{S,C}PENDR, I{S,C}ACTIVER */
	union {		/* by type: the per-INTID field handlers, or the register's */
		uint32_t (*read_irq)(struct vgic_mmio *m, struct virq *v);
		uint64_t (*read)(struct vgic_mmio *m, uint32_t idx);
	};
	union {
		void (*write_irq)(struct vgic_mmio *m, struct virq *v, uint32_t field);
		void (*write)(struct vgic_mmio *m, uint32_t idx, uint64_t val);
	};
};

/*
 * The access-width rules, here and only here (IHI 0069 12.1.3): registers with 8 bits per
 * INTID (IPRIORITYR) are byte- and word-accessible, the other per-INTID and the 32-bit
 * registers word-accessible, 64-bit registers doubleword-accessible or as either 32-bit half.
 * Everything else (halfwords, bytes elsewhere, doublewords over 32-bit registers, unaligned)
 * is not defined by the architecture and is RAZ/WI.
 */
#define VGIC_REG_BITS_PER_IRQ(off, nr_intids, bits, rd, wr)                              \
	{                                                                                \
		.offset = (off), .len = (nr_intids) * (bits) / 8, .type = VGIC_REG_BITS, \
		.bpi = (bits), .widths = (bits) == 8 ? VGIC_W8 | VGIC_W32 : VGIC_W32,    \
		.read_irq = (rd), .write_irq = (wr),                                     \
	}
/* One bit per INTID, a 0 ignored: write-1-to-set or write-1-to-clear (I{S,C}ENABLER,
 * I{S,C}PENDR, I{S,C}ACTIVER): vgic_mmio_write() visits only the INTIDs whose bit is 1. */
#define VGIC_REG_W1_PER_IRQ(off, nr_intids, rd, wr)                                       \
	{                                                                                 \
		.offset = (off), .len = (nr_intids) / 8, .type = VGIC_REG_BITS, .bpi = 1, \
		.widths = VGIC_W32, .w1 = true, .read_irq = (rd), .write_irq = (wr),      \
		.state = (wr) == vgic_mmio_write_set_pending ||                           \
			 (wr) == vgic_mmio_write_clear_pending ||                         \
			 (wr) == vgic_mmio_write_set_active ||                            \
			 (wr) == vgic_mmio_write_clear_active,                            \
	}
#define VGIC_REG_32(off, count, rd, wr)                                                       \
	{                                                                                     \
		.offset = (off), .len = 4 * (count), .type = VGIC_REG_32, .widths = VGIC_W32, \
		.read = (rd), .write = (wr),                                                  \
	}
#define VGIC_REG_64(off, count, rd, wr)                                     \
	{                                                                   \
		.offset = (off), .len = 8 * (count), .type = VGIC_REG_64,   \
		.widths = VGIC_W32 | VGIC_W64, .read = (rd), .write = (wr), \
	}

/* The per-INTID rows both versions' GICD share, IGROUPR to IPRIORITYR, over the handlers below
 * (ICFGR follows in each table: GICv2 keeps SGIs edge through the same handler). */
#define VGIC_GICD_PER_INTID_ROWS                                                             \
	VGIC_REG_BITS_PER_IRQ(GICD_IGROUPR, VGIC_GICD_INTIDS, 1, vgic_mmio_read_group,       \
			      vgic_mmio_write_group),                                        \
		VGIC_REG_W1_PER_IRQ(GICD_ISENABLER, VGIC_GICD_INTIDS, vgic_mmio_read_enable, \
				    vgic_mmio_write_set_enable),                             \
		VGIC_REG_W1_PER_IRQ(GICD_ICENABLER, VGIC_GICD_INTIDS, vgic_mmio_read_enable, \
				    vgic_mmio_write_clear_enable),                           \
		VGIC_REG_W1_PER_IRQ(GICD_ISPENDR, VGIC_GICD_INTIDS, vgic_mmio_read_pending,  \
				    vgic_mmio_write_set_pending),                            \
		VGIC_REG_W1_PER_IRQ(GICD_ICPENDR, VGIC_GICD_INTIDS, vgic_mmio_read_pending,  \
				    vgic_mmio_write_clear_pending),                          \
		VGIC_REG_W1_PER_IRQ(GICD_ISACTIVER, VGIC_GICD_INTIDS, vgic_mmio_read_active, \
				    vgic_mmio_write_set_active),                             \
		VGIC_REG_W1_PER_IRQ(GICD_ICACTIVER, VGIC_GICD_INTIDS, vgic_mmio_read_active, \
				    vgic_mmio_write_clear_active),                           \
		VGIC_REG_BITS_PER_IRQ(GICD_IPRIORITYR, VGIC_GICD_INTIDS, 8,                  \
				      vgic_mmio_read_priority, vgic_mmio_write_priority)

/* A register frame: its table and how it finds the virq of an INTID (NULL: RAZ/WI). */
struct vgic_frame {
	const struct vgic_reg *regs;
	unsigned int nr_regs;
	struct virq *(*irq)(struct vgic_mmio *m, uint32_t intid);
};

/* An access at offset of width bytes (lock held). Unmatched or ill-sized: RAZ/WI. */
uint64_t vgic_mmio_read(const struct vgic_frame *f, struct vgic_mmio *m, uint32_t offset,
			unsigned int width);
int vgic_mmio_write(const struct vgic_frame *f, struct vgic_mmio *m, uint32_t offset,
		    unsigned int width, uint64_t val); /* VGIC_ACCESS_OK or _RETRY */

/* Per-INTID fields common to GICD and GICR (IGROUPR, I{S,C}ENABLER, I{S,C}PENDR,
 * I{S,C}ACTIVER, IPRIORITYR, ICFGR). Every write that changes state ends in vgic_queue(). */
uint32_t vgic_mmio_read_group(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_group(struct vgic_mmio *m, struct virq *v, uint32_t field);
uint32_t vgic_mmio_read_enable(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_set_enable(struct vgic_mmio *m, struct virq *v, uint32_t field);
void vgic_mmio_write_clear_enable(struct vgic_mmio *m, struct virq *v, uint32_t field);
uint32_t vgic_mmio_read_pending(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_set_pending(struct vgic_mmio *m, struct virq *v, uint32_t field);
void vgic_mmio_write_clear_pending(struct vgic_mmio *m, struct virq *v, uint32_t field);
uint32_t vgic_mmio_read_active(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_set_active(struct vgic_mmio *m, struct virq *v, uint32_t field);
void vgic_mmio_write_clear_active(struct vgic_mmio *m, struct virq *v, uint32_t field);
uint32_t vgic_mmio_read_priority(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_priority(struct vgic_mmio *m, struct virq *v, uint32_t field);
uint32_t vgic_mmio_read_config(struct vgic_mmio *m, struct virq *v);
void vgic_mmio_write_config(struct vgic_mmio *m, struct virq *v, uint32_t field);
/* Identification register idx of a frame (0 = PIDR4 at 0xffd0, ..., 11 = CIDR3) */
uint32_t vgic_mmio_idreg(uint32_t idx);
/* GICD_IIDR / GICR_IIDR (VGIC_IIDR), a VGIC_REG_32 read handler */
uint64_t vgic_mmio_read_iidr(struct vgic_mmio *m, uint32_t idx);

/* GICD_CTLR's EnableGrp0/EnableGrp1, in both distributors */
uint64_t vgic_mmio_read_ctlr(struct vgic_mmio *m, uint32_t idx);
void vgic_mmio_write_ctlr(struct vgic_mmio *m, uint32_t idx, uint64_t val);
/* The GICv2 distributor's frame (irq/vgic_dist_v2.c), which vgic_dist_read/write use for a
 * VM after vgic_set_v2() */
extern const struct vgic_frame gicd_v2_frame;

/* v has just left a list register (lock held): apply what the guest wrote to its pending or
 * active state meanwhile (v->lr_writes, see irq/vgic_mmio.c). */
void vgic_apply_lr_writes(struct vgic *vg, struct virq *v);

#endif
