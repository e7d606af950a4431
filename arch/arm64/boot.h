/*
 * boot.h - what boot.S gives C: stop this CPU for good. Touches nothing else.
 */
#ifndef SKIFF_ARCH_ARM64_BOOT_H
#define SKIFF_ARCH_ARM64_BOOT_H

/* Mask every interrupt and wait for ever (WFI). */
_Noreturn void cpu_halt(void);

#endif
