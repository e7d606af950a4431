/*
 * log.h - skiff's log: lines that start with "skiff: ", kept in a ring of records in memory
 * and copied to the console while skiff owns it. Every record says whom it concerns: skiff as
 * a whole (boot, the machine) or one guest ("skiff: guest@1: ..."). A guest reads, through
 * SKIFF_HVC_LOG_READ, the records about skiff as a whole and its own, nothing else. A guest's
 * virtual console has a ring of its own, printed on the console in order with the log.
 *
 * No CPU ever waits for another CPU's console output: a line is copied into a ring under a
 * short lock, and the console is fed by whichever CPU gets its lock (a trylock), only as much
 * as the UART takes without waiting once guests run; the rest goes out later (log_poll()).
 * Lines a guest's behaviour causes (an access nobody owns, an SError, its SYSTEM_RESETs) go
 * through a per-guest limit with a count of what it kept out; its virtual console through a
 * byte budget.
 */
#ifndef SKIFF_LIB_LOG_H
#define SKIFF_LIB_LOG_H

#include <stdbool.h>
#include <stdint.h>

#define LOG_RING_SIZE 65536
#define LOG_MAX_GUESTS 4	 /* CONFIG_MAX_GUESTS */
#define LOG_SKIFF (-1)		 /* a record about skiff as a whole: every guest may read it */
#define LOG_VIEW_ALL (-2)	 /* log_ring_read() of every record (skiff's own view) */
#define LOG_PRIVATE (-4)	 /* a record only skiff's own view has: no guest may read it */
#define LOG_LIMIT_BURST 10	 /* lines a guest's behaviour may cause per window... */
#define LOG_LIMIT_WINDOW_S 5	 /* ...of this many seconds */
#define LOG_CONSOLE_RING 16384	 /* each guest's virtual console ring */
#define LOG_CONSOLE_BUDGET 16384 /* bytes of a guest's virtual console (as stored)... */
#define LOG_CONSOLE_WINDOW_S 4	 /* ...per window of this many seconds */

/* The console: a UART's polled output. try_putc must not wait: false when the UART cannot
 * take a character now. putc waits a bounded time (boot, power-off, fatal errors), then drops
 * the character. save and restore (optional) keep the UART's set-up while a guest owns it. */
struct log_console {
	bool (*try_putc)(uintptr_t ctx, char c);
	void (*putc)(uintptr_t ctx, char c);
	void (*save)(uintptr_t ctx);
	void (*restore)(uintptr_t ctx);
	uintptr_t ctx;
};

/* Where time and a later retry come from once guests run (hyp/main.c binds the generic
 * timer): now() in ticks of freq per second; later() asks for log_poll() to be called on
 * this CPU soon (the console had more than the UART would take). */
struct log_clock {
	uint64_t (*now)(void);
	uint64_t freq;
	void (*later)(void);
};

/* Where lines go; NULL sends them to the ring only. */
void log_set_console(const struct log_console *console);
void log_set_clock(const struct log_clock *clock);
/* What fatal() calls once its line is out: the CPU's halt (hyp/main.c passes arch/arm64's
 * cpu_halt). Until one is set, fatal() spins. */
typedef void (*log_halt_fn)(void);
void log_set_halt(log_halt_fn halt);
/* Name guest g's records ("guest@0"); the string must outlive the log. */
void log_set_guest_name(int g, const char *name);
/* Serialise between CPUs (once the MMU is on: exclusives need normal memory). */
void log_enable_lock(void);
/* Guests run: the console is fed without waiting from now on (see above). */
void log_start_async(void);

/* The console now belongs to guest g: lines go to the rings only, except alerts and fatal()
 * about skiff as a whole or about g, which are still printed. log_reclaim_console() undoes it
 * (the last guest is off): the UART's set-up is put back and what the console missed
 * meanwhile is printed. */
void log_handover_console(int g);
void log_reclaim_console(void);
/* Print everything the console has not printed yet, waiting for the UART (before power-off). */
void log_flush(void);
/* Feed the console what it has not printed, without waiting (the retry of log_clock.later). */
void log_poll(void);

/*
 * Copy up to len bytes of viewer's view of the log from byte offset into buf; returns the
 * bytes copied. viewer is a guest (its view: skiff's records and its own) or LOG_VIEW_ALL.
 * *total gets the bytes of that view logged since boot; bytes evicted from the ring are gone,
 * and reading there starts at the oldest kept.
 */
uint64_t log_ring_read(int viewer, uint64_t offset, char *buf, uint64_t len, uint64_t *total);
/* Lines about guest g its limit kept out of the log, and virtual-console bytes dropped. */
uint64_t log_guest_suppressed(int g);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "skiff: cpuN: ..." as owner's line, force: printed even when a guest owns the console */
void log_cpu_line(int owner, bool force, unsigned int cpu, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define log_cpu(cpu, ...) log_cpu_line(LOG_SKIFF, false, cpu, __VA_ARGS__)
/* Like log_cpu, but printed on the console even when a guest owns it (a CPU is lost). */
#define log_cpu_alert(cpu, ...) log_cpu_line(LOG_SKIFF, true, cpu, __VA_ARGS__)
/* Like log_cpu_alert, but in no guest's view and never on a console a guest owns: what may
 * hold any guest's data (an EL2 fault's registers). Printed when skiff has the console. */
#define log_cpu_private(cpu, ...) log_cpu_line(LOG_PRIVATE, true, cpu, __VA_ARGS__)
/* A line about guest g ("skiff: guest@N: ..."), readable by g only: skiff's own events. */
void log_guest(int g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, printed even when a guest owns the console. */
void log_guest_alert(int g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line guest g's behaviour caused: through its limit (LOG_LIMIT_BURST per window; a line
 * "N lines suppressed" follows a window that dropped some). false when it was kept out. */
bool log_guest_limited(int g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line guest g wrote on its virtual console, len bytes without the newline: printed as
 * "[guest@N] text", within LOG_CONSOLE_BUDGET bytes (as stored) per LOG_CONSOLE_WINDOW_S. */
void log_guest_console(int g, const char *text, unsigned int len);
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
