/*
 * vgic_locks.h - for host tests and fuzzers of irq/: whether every lock of a VM's vGIC is free
 * (its config_lock, each vCPU's ap_lock, each virq's lock), as it must be after every call
 * into the vGIC returns.
 */
#ifndef SKIFF_TESTS_VGIC_LOCKS_H
#define SKIFF_TESTS_VGIC_LOCKS_H

#include <stdbool.h>

#include "irq/vgic.h"

static inline bool vgic_lock_free(const struct spinlock *l)
{
	return l->next == l->owner;
}

static inline bool vgic_all_unlocked(const struct vgic *vg)
{
	unsigned int i, n;

	if (!vgic_lock_free(&vg->config_lock))
		return false;
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		if (!vgic_lock_free(&vg->spis[i].lock))
			return false;
	for (i = 0; i < vg->nr_cpus; i++) {
		if (!vgic_lock_free(&vg->cpus[i]->ap_lock))
			return false;
		for (n = 0; n < VGIC_NR_PRIVATE; n++)
			if (!vgic_lock_free(&vg->cpus[i]->private_irqs[n].lock))
				return false;
	}
	return true;
}

/* Zero every lock's counters in a copy of a VM (vg and its vCPUs cpus[0..nr_cpus)), so that
 * two snapshots compare equal however often the locks were taken in between. */
static inline void vgic_zero_locks(struct vgic *vg, struct vgic_cpu *cpus, unsigned int nr_cpus)
{
	unsigned int i, n;

	vg->config_lock = (struct spinlock){ 0 };
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		vg->spis[i].lock = (struct spinlock){ 0 };
	for (i = 0; i < nr_cpus; i++) {
		cpus[i].ap_lock = (struct spinlock){ 0 };
		for (n = 0; n < VGIC_NR_PRIVATE; n++)
			cpus[i].private_irqs[n].lock = (struct spinlock){ 0 };
	}
}

#endif
