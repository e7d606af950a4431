/*
 * source.h - interrupt sources (docs/interrupts.md, "Interrupt sources"): a device's interrupts as
 * a group with one operation table. The vGIC calls these when the guest changes an interrupt's
 * state, so a source can mirror it (passthrough) or react (emulated); devices raise interrupts
 * through vgic_set_level()/vgic_trigger(). The vGIC never needs to know which kind is behind it.
 */
#ifndef SKIFF_IRQ_SOURCE_H
#define SKIFF_IRQ_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

struct irq_source;

struct irq_config {
	bool edge;
	uint8_t priority;
	uint64_t target_mpidr; /* physical CPU that runs the target vCPU */
};

struct irq_source_ops {
	/* the whole group: the VM starts or stops using it */
	void (*enable)(struct irq_source *s);
	void (*disable)(struct irq_source *s);
	/* the guest pended the interrupt (ISPENDR) */
	void (*trigger)(struct irq_source *s, unsigned int index);
	/* optional: the guest cleared its pending state (ICPENDR), or set or cleared its
	 * active state (ISACTIVER / ICACTIVER) */
	void (*clear_pending)(struct irq_source *s, unsigned int index);
	void (*set_active)(struct irq_source *s, unsigned int index, bool active);
	/* the guest disabled / enabled the interrupt (ICENABLER / ISENABLER) */
	void (*mask)(struct irq_source *s, unsigned int index);
	void (*unmask)(struct irq_source *s, unsigned int index);
	/* trigger mode, priority or routing changed */
	void (*update_config)(struct irq_source *s, unsigned int index,
			      const struct irq_config *cfg);
	/* the guest deactivated the interrupt (EOI): a level source resamples its line here */
	void (*eoi)(struct irq_source *s, unsigned int index);
	/* optional: whether the physical line behind it is pending right now (a passthrough
	 * interrupt the guest disabled is held pending in the physical GIC, not in the vGIC) */
	bool (*is_pending)(struct irq_source *s, unsigned int index);
	/* optional: whether the physical interrupt behind it is active (acknowledged, not yet
	 * deactivated): for a hardware-linked one the vGIC holds idle, in a list register the
	 * hw-mode fast path wrote on some CPU */
	bool (*is_active)(struct irq_source *s, unsigned int index);
	/* optional: the GICv3 eoi/oneshot fast path (arch/arm64/vectors.S, fast_irq_pt) injected
	 * a fire of this line into a list register without telling the source; lr_fold() hands it
	 * over before the vGIC takes it from the LR (pending, active, or finished: then eoi
	 * follows) */
	void (*fast_fired)(struct irq_source *s, unsigned int index);
};

enum irq_source_kind {
	IRQ_SOURCE_PASSTHROUGH,
	IRQ_SOURCE_EMULATED,
};

struct irq_source {
	const struct irq_source_ops *ops;
	enum irq_source_kind kind;
	struct vgic *vgic;
	uint32_t first_intid; /* index i is INTID first_intid + i */
	unsigned int count;
	void *priv;
};

#endif
