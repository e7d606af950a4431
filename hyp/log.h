/*
 * log.h - skiff's console log: every line starts with "skiff: ". fatal() prints and stops
 * the calling CPU.
 */
#ifndef SKIFF_HYP_LOG_H
#define SKIFF_HYP_LOG_H

#include <stdint.h>

typedef void (*log_putc_fn)(uintptr_t ctx, char c);

/* Where lines go; NULL sends them nowhere. */
void log_set_console(log_putc_fn putc, uintptr_t ctx);
/* Serialise lines between CPUs (call once the MMU is on: exclusives need normal memory). */
void log_enable_lock(void);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_cpu(unsigned int cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
