/*
 * log.h - skiff's console log: every line starts with "skiff: ". fatal() prints and stops
 * the calling CPU.
 */
#ifndef SKIFF_HYP_LOG_H
#define SKIFF_HYP_LOG_H

#include <stdint.h>

typedef void (*log_putc_fn)(uintptr_t ctx, char c);

#define LOG_RING_SIZE 16384

/* Where lines go; NULL sends them nowhere. Every line also goes to the log ring. */
void log_set_console(log_putc_fn putc, uintptr_t ctx);
/* The console now belongs to a guest: lines go to the ring only, except fatal() which is
 * still printed (a fatal error must be seen). log_reclaim_console() undoes it once the guest
 * is gone (at its SYSTEM_OFF). */
void log_handover_console(void);
void log_reclaim_console(void);
/* Copy up to len bytes of the log from byte offset (counted since boot) into buf; returns
 * the bytes copied. *total gets the bytes logged since boot; bytes older than
 * total - LOG_RING_SIZE are gone, and reading there starts at the oldest kept. */
uint64_t log_ring_read(uint64_t offset, char *buf, uint64_t len, uint64_t *total);
/* Serialise lines between CPUs (call once the MMU is on: exclusives need normal memory). */
void log_enable_lock(void);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_cpu(unsigned int cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like log_cpu, but printed on the console even when a guest owns it (a CPU is lost). */
void log_cpu_alert(unsigned int cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
