/*
 * guest_dtb.h - generates the device tree a guest boots with from the host's and the guest's
 * assignment: only what the guest owns, written with hyp/plan/fdt_write.c. Plain C
 * over libfdt; reads the host tree, writes only the output buffer.
 *
 * What the guest tree holds:
 * - /: compatible, model, #address-cells, #size-cells as the host has them; interrupt-parent
 *   is the GIC's phandle (the guest's only interrupt controller);
 * - /chosen: bootargs (when not empty), stdout-path as the host's when the guest has the
 *   console UART, linux,initrd-start and -end (64-bit) when there is an initrd, the host's
 *   kaslr-seed and rng-seed;
 * - /aliases: the host's aliases whose path is a node of the guest tree;
 * - /memory@<first base>: reg = the guest's RAM ranges in the root's cells;
 * - /reserved-memory, when the host reserves memory (without no-map) inside the guest's RAM:
 *   a region@<base> node per range, clipped to the guest's RAM; none of the host's nodes;
 * - /psci: "arm,psci-1.0", "arm,psci-0.2" over "hvc";
 * - /cpus with its host properties and one cpu node per vCPU, in vCPU order, copied from the
 *   host's cpu node of that MPIDR (the assignment's cpu_node) with reg the vCPU's MPIDR
 *   (affinity fields only, as the guest reads it), enable-method "psci" and without
 *   cpu-release-addr and cpu-idle-states (skiff's CPU_SUSPEND is a standby); no cpu-map;
 *   the nodes in it (caches, idle and cooling nodes, graph ports) come along, but not one that
 *   describes the host's own: a node with an address range (reg under a parent whose
 *   #size-cells is not 0), a memory node, another CPU's node;
 * - the GIC node skiff took (the first enabled arm,gic-v3: the assignment's gic_node), its
 *   reg as the host's (skiff emulates GICD and GICR there), without its maintenance interrupt
 *   (interrupts) and ranges, and without the ITS (skiff emulates none) or any child but one a
 *   reference brings in; the timer node skiff took (timer_node), less what describes the host's own
 * as for a cpu node;
 * - each assigned device's node, whole (every property, every subnode), at its host path; the
 *   nodes above it with their own properties but only the children the guest has;
 * - skiff's doorbell node (compatible "skiff,doorbell", reg, interrupts <0 SPI 4>) when the
 *   guest has one;
 * - the nodes those reference by phandle (see below), transitively.
 * Nothing else: no host /reserved-memory node, no host memory node, no other CPU, no fw-cfg, flash,
 * PCIe, platform bus, PMU or device of skiff's or of another guest. Phandle values are the
 * host's, so references keep their meaning. A host tree that would break that is refused
 * (-FDT_ERR_BADSTRUCTURE, the message naming the node): the GIC, the timer or a device inside
 * a CPU node not the guest's or inside a memory node, or under a root node named like one
 * written here.
 *
 * References. Properties that hold phandles are known by name: interrupt-parent, pinctrl-N,
 * *-supply, next-level-cache, memory-region, phy-handle, remote-endpoint... (phandle lists);
 * clocks, assigned-clocks, assigned-clock-parents, resets, power-domains, phys, dmas, iommus,
 * interrupts-extended, msi-parent, pwms, mboxes, io-channels, gpios and *-gpio(s)...
 * (phandle and #xxx-cells arguments); gpio-ranges, msi-map, iommu-map, interrupt-map. Every
 * node a copied property names is in the guest tree:
 * - a node already in it (the GIC, a vCPU's cpu node, an assigned device or a node inside
 *   one, a bus above one) is named as it is;
 * - a node not yet in it is added, whole (less what describes the host's own, as for a cpu
 *   node), with the nodes above it as containers, when neither it nor any node between it and
 *   the nearest node of the guest tree (or the root) has reg or is a memory or another CPU's
 *   node, and it is not under a node generated above (/chosen, /aliases, /psci, /memory,
 *   /reserved-memory): a fixed clock, a regulator, an OPP table, a gpio-keys;
 * - otherwise (the node, or a node above it, is a device the guest does not own: the ITS,
 *   another guest's GPIO controller, skiff's UART, a reserved-memory region), and when a
 *   phandle names no node or the root, the named node lacks the #xxx-cells the entry needs, or the
 *   entries do not fill the property exactly, the whole property is left out of the copy.
 *   Example: a virtio node's msi-parent to the ITS is dropped.
 * The rule depends only on the host tree and the assignment: the same inputs give the same
 * tree, and nothing is logged.
 */
#ifndef SKIFF_HYP_GUEST_DTB_H
#define SKIFF_HYP_GUEST_DTB_H

#include <stddef.h>
#include <stdint.h>

#include "hyp/plan/assign.h"

/* Host nodes the generator can mark: the GIC, the vCPUs' cpu nodes, the timer, the assigned
 * devices, the nodes references add, and the nodes above those (subnodes of a node copied
 * whole do not count). */
#define GUEST_DTB_MAX_NODES 512 /* RK3399 with devices = "all": 198 */

struct guest_dtb_extra {
	const char *bootargs;  /* NULL or "" leaves /chosen/bootargs out */
	uint64_t initrd_start; /* 0: none; else /chosen linux,initrd-start and -end */
	uint64_t initrd_end;
};

/*
 * Generate guest a's tree from host_fdt into out (out_size bytes). 0, or a negative libfdt
 * error with err naming the step ("guest device tree: /pl061@9030000: FDT_ERR_NOSPACE").
 * Not reentrant (its working set is static, to keep it off the boot stack).
 */
int guest_dtb_build(const void *host_fdt, void *out, size_t out_size, const struct assignment *a,
		    const struct guest_dtb_extra *extra, char *err, size_t err_size);

#endif
