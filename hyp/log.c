/*
 * log.c - skiff's log (log.h): formats lines, keeps them as records in a ring, each tagged with
 * whom it concerns, serves each guest its own view of them, limits what a guest can make skiff
 * log, and feeds the console without making any CPU wait for another's output. Knows nothing
 * of the UART or the timer behind struct log_console and struct log_clock.
 *
 * Record layout in the ring: a 4-byte header (length of the text, owner, flags) then the text,
 * which ends with '\n'; records may wrap around the end of the ring. Positions are absolute
 * byte counts since boot (head: the oldest record kept; tail: the end).
 *
 * Locks: ring_lock guards the ring, the views and the limits, and is held only to copy a line
 * in or out. console_lock guards the console's position; it is only ever taken with a
 * trylock: a CPU that finds it taken leaves its line to the CPU holding it, which prints up to
 * the end before it lets go (and looks again after). Order: console_lock, then ring_lock.
 */
#include "hyp/log.h"
#include "hyp/printf.h"
#include "hyp/spinlock.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#define LOG_LINE_MAX 256
#define REC_HDR 4
#define REC_PRINTED 1u /* a forced line, already printed while a guest had the console */
#define NR_VIEWS (LOG_MAX_GUESTS + 1)
#define VIEW_ALL_INDEX LOG_MAX_GUESTS
#define CHUNK 64
#define NAME_MAX 32

extern void cpu_halt(void) __attribute__((noreturn));

struct rec {
	unsigned int len; /* text bytes, the '\n' included */
	int owner;	  /* LOG_SKIFF or a guest */
	unsigned int flags;
};

/* A budget per window: lines about a guest, or bytes of its virtual console. */
struct limit {
	bool started;
	uint64_t start;
	uint64_t used;
	uint64_t dropped_window;
	uint64_t dropped_total;
};

static const struct log_console *console;
static const struct log_clock *clock;
static const char *guest_names[LOG_MAX_GUESTS];
static bool lock_enabled;
static bool async;
static bool handed_over;

static struct spinlock ring_lock;
static struct spinlock console_lock;

static char ring[LOG_RING_SIZE];
static uint64_t head, tail;
static uint64_t view_total[NR_VIEWS]; /* bytes of text each view has had since boot */
static uint64_t view_base[NR_VIEWS];  /* its view offset of the oldest byte kept */
static struct limit line_limit[LOG_MAX_GUESTS], byte_limit[LOG_MAX_GUESTS];

static uint64_t con_pos;      /* the record the console prints */
static unsigned int con_char; /* the next byte of its text */
static bool con_cr;	      /* the '\r' before the '\n' at con_char is out */
static char con_note[80];     /* "the console missed N bytes", printed before con_pos */
static unsigned int con_note_len, con_note_pos;

/* ---- set-up */

void log_set_console(const struct log_console *c)
{
	console = c;
}

void log_set_clock(const struct log_clock *c)
{
	clock = c;
}

void log_set_guest_name(int g, const char *name)
{
	if (g >= 0 && g < LOG_MAX_GUESTS)
		guest_names[g] = name;
}

void log_enable_lock(void)
{
	lock_enabled = true;
}

void log_start_async(void)
{
	async = true;
}

static void lock(struct spinlock *l)
{
	if (lock_enabled)
		spin_lock(l);
}

static void unlock(struct spinlock *l)
{
	if (lock_enabled)
		spin_unlock(l);
}

/* ---- the ring (ring_lock held) */

static void ring_put(uint64_t pos, const void *src, unsigned int n)
{
	unsigned int at = (unsigned int)(pos % LOG_RING_SIZE), first = LOG_RING_SIZE - at;

	if (first > n)
		first = n;
	memcpy(&ring[at], src, first);
	memcpy(ring, (const char *)src + first, n - first);
}

static void ring_get(uint64_t pos, void *dst, unsigned int n)
{
	unsigned int at = (unsigned int)(pos % LOG_RING_SIZE), first = LOG_RING_SIZE - at;

	if (first > n)
		first = n;
	memcpy(dst, &ring[at], first);
	memcpy((char *)dst + first, ring, n - first);
}

static struct rec rec_at(uint64_t pos)
{
	uint8_t h[REC_HDR];
	struct rec r;

	ring_get(pos, h, REC_HDR);
	r.len = (unsigned int)h[0] | (unsigned int)h[1] << 8;
	r.owner = (int8_t)h[2];
	r.flags = h[3];
	return r;
}

static bool visible(int owner, int view)
{
	return view == VIEW_ALL_INDEX || owner == LOG_SKIFF || owner == view;
}

static void evict_oldest(void)
{
	struct rec r = rec_at(head);
	int v;

	for (v = 0; v < NR_VIEWS; v++)
		if (visible(r.owner, v))
			view_base[v] += r.len;
	head += REC_HDR + r.len;
}

static void ring_append(int owner, unsigned int flags, const char *text, unsigned int len)
{
	uint8_t h[REC_HDR] = { (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(int8_t)owner,
			       (uint8_t)flags };
	int v;

	while (tail + REC_HDR + len - head > LOG_RING_SIZE)
		evict_oldest();
	ring_put(tail, h, REC_HDR);
	ring_put(tail + REC_HDR, text, len);
	__atomic_store_n(&tail, tail + REC_HDR + len, __ATOMIC_RELEASE);
	for (v = 0; v < NR_VIEWS; v++)
		if (visible(owner, v))
			view_total[v] += len;
}

uint64_t log_ring_read(int viewer, uint64_t offset, char *buf, uint64_t len, uint64_t *total)
{
	int view = viewer == LOG_VIEW_ALL ? VIEW_ALL_INDEX : viewer;
	uint64_t pos, voff, n = 0;

	*total = 0;
	if (viewer != LOG_VIEW_ALL && (viewer < 0 || viewer >= LOG_MAX_GUESTS))
		return 0;
	lock(&ring_lock);
	*total = view_total[view];
	voff = view_base[view];
	if (offset < voff)
		offset = voff;
	for (pos = head; pos < tail && n < len;) {
		struct rec r = rec_at(pos);

		if (visible(r.owner, view)) {
			if (offset < voff + r.len) {
				uint64_t from = offset - voff, k = r.len - from;

				if (k > len - n)
					k = len - n;
				ring_get(pos + REC_HDR + from, buf + n, (unsigned int)k);
				n += k;
				offset += k;
			}
			voff += r.len;
		}
		pos += REC_HDR + r.len;
	}
	unlock(&ring_lock);
	return n;
}

/* ---- the console */

static bool out(char c, bool wait)
{
	if (wait) {
		console->putc(console->ctx, c);
		return true;
	}
	return console->try_putc(console->ctx, c);
}

/* Print n bytes of text, each '\n' as "\r\n"; *done counts those out. false when the UART
 * would not take one. */
static bool print(const char *text, unsigned int n, unsigned int *done, bool wait)
{
	for (; *done < n; (*done)++) {
		if (text[*done] == '\n' && !con_cr) {
			if (!out('\r', wait))
				return false;
			con_cr = true;
		}
		if (!out(text[*done], wait))
			return false;
		con_cr = false;
	}
	return true;
}

/*
 * Print from con_pos on: waiting for the UART (wait), or only what it takes at once. true when
 * everything in the ring is out. console_lock held. Records evicted before they were printed
 * are skipped, and the console says how many bytes it missed.
 */
static bool drain(bool wait)
{
	char chunk[CHUNK];

	for (;;) {
		unsigned int n, done = 0;
		struct rec r;

		if (con_note_pos < con_note_len &&
		    !print(con_note, con_note_len, &con_note_pos, wait))
			return false;
		lock(&ring_lock);
		if (con_pos < head) {
			con_note_len = (unsigned int)fmt_snprintf(
				con_note, sizeof(con_note),
				"skiff: the console missed %llu bytes of the log\n",
				(unsigned long long)(head - con_pos));
			con_note_pos = 0;
			con_pos = head;
			con_char = 0;
			con_cr = false;
			unlock(&ring_lock);
			continue;
		}
		if (con_pos == tail) {
			unlock(&ring_lock);
			return true;
		}
		r = rec_at(con_pos);
		n = r.flags & REC_PRINTED ? 0 : r.len - con_char;
		if (n > CHUNK)
			n = CHUNK;
		ring_get(con_pos + REC_HDR + con_char, chunk, n);
		unlock(&ring_lock);

		if (!print(chunk, n, &done, wait)) {
			con_char += done;
			return false;
		}
		con_char += done;
		if (r.flags & REC_PRINTED || con_char >= r.len) {
			con_pos += REC_HDR + r.len;
			con_char = 0;
		}
	}
}

static void emit(int owner, bool force, const char *line, unsigned int len);

/* Feed the console, if skiff has it, by whoever gets console_lock; see the top comment. */
static void console_feed(bool wait)
{
	for (;;) {
		bool done;

		if (!console || handed_over)
			return;
		if (lock_enabled && !spin_trylock(&console_lock))
			return; /* its holder prints this line too before it lets go */
		done = drain(wait);
		unlock(&console_lock);
		if (!done) {
			if (clock && clock->later)
				clock->later();
			return;
		}
		/* a line added after drain() looked may have been left to this CPU */
		if (__atomic_load_n(&tail, __ATOMIC_ACQUIRE) ==
		    __atomic_load_n(&con_pos, __ATOMIC_RELAXED))
			return;
	}
}

void log_poll(void)
{
	console_feed(!async);
}

void log_flush(void)
{
	if (!console || handed_over)
		return;
	lock(&console_lock);
	drain(true);
	unlock(&console_lock);
}

void log_handover_console(void)
{
	handed_over = true;
}

void log_reclaim_console(void)
{
	static const char note[] = "skiff: the console is skiff's again; what it missed follows\n";

	if (handed_over)
		emit(LOG_SKIFF, true, note, sizeof(note) - 1); /* printed now, before the rest */
	handed_over = false;
	console_feed(!async);
}

/* ---- lines */

static void emit(int owner, bool force, const char *line, unsigned int len)
{
	bool direct = force && handed_over && console;

	lock(&ring_lock);
	ring_append(owner, direct ? REC_PRINTED : 0, line, len);
	unlock(&ring_lock);
	if (direct) {
		unsigned int i;

		for (i = 0; i < len; i++) {
			if (line[i] == '\n')
				console->putc(console->ctx, '\r');
			console->putc(console->ctx, line[i]);
		}
		return;
	}
	console_feed(!async || force);
}

/* "skiff: <prefix><message>\n" into line; its length. */
static unsigned int format(char *line, const char *prefix, const char *fmt, va_list ap)
{
	int len = fmt_snprintf(line, LOG_LINE_MAX, "skiff: %s", prefix);

	if (len < 0 || len >= LOG_LINE_MAX - 2)
		len = 0;
	len += fmt_vsnprintf(line + len, LOG_LINE_MAX - 1 - (size_t)len, fmt, ap);
	if (len > LOG_LINE_MAX - 2)
		len = LOG_LINE_MAX - 2;
	line[len] = '\n';
	line[len + 1] = '\0';
	return (unsigned int)len + 1;
}

static void emit_v(int owner, bool force, const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	emit(owner, force, line, format(line, prefix, fmt, ap));
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_v(LOG_SKIFF, false, "", fmt, ap);
	va_end(ap);
}

static void cpu_prefix(char *prefix, size_t size, unsigned int cpu)
{
	fmt_snprintf(prefix, size, "cpu%u: ", cpu);
}

void log_cpu(unsigned int cpu, const char *fmt, ...)
{
	char prefix[16];
	va_list ap;

	cpu_prefix(prefix, sizeof(prefix), cpu);
	va_start(ap, fmt);
	emit_v(LOG_SKIFF, false, prefix, fmt, ap);
	va_end(ap);
}

void log_cpu_alert(unsigned int cpu, const char *fmt, ...)
{
	char prefix[16];
	va_list ap;

	cpu_prefix(prefix, sizeof(prefix), cpu);
	va_start(ap, fmt);
	emit_v(LOG_SKIFF, true, prefix, fmt, ap);
	va_end(ap);
}

static int guest_prefix(char *prefix, size_t size, int g)
{
	if (g < 0 || g >= LOG_MAX_GUESTS) {
		fmt_snprintf(prefix, size, "guest?: ");
		return LOG_SKIFF;
	}
	if (guest_names[g])
		fmt_snprintf(prefix, size, "%.*s: ", NAME_MAX, guest_names[g]);
	else
		fmt_snprintf(prefix, size, "guest %d: ", g);
	return g;
}

static void guest_emit(int g, bool force, const char *fmt, va_list ap)
{
	char prefix[NAME_MAX + 4];
	int owner = guest_prefix(prefix, sizeof(prefix), g);

	emit_v(owner, force, prefix, fmt, ap);
}

void log_guest(int g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_emit(g, false, fmt, ap);
	va_end(ap);
}

void log_guest_alert(int g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_emit(g, true, fmt, ap);
	va_end(ap);
}

/* Take cost from l's budget for this window (ring_lock held); *dropped gets what the window
 * that just ended dropped. false when over budget (counted as dropped). */
static bool limit_take(struct limit *l, uint64_t cost, uint64_t budget, uint64_t window_s,
		       uint64_t *dropped)
{
	uint64_t now = clock && clock->now ? clock->now() : 0;
	uint64_t window = clock ? clock->freq * window_s : 0;

	*dropped = 0;
	if (!l->started || (window && now - l->start >= window)) {
		*dropped = l->dropped_window;
		l->started = true;
		l->start = now;
		l->used = 0;
		l->dropped_window = 0;
	}
	if (l->used + cost > budget) {
		l->dropped_window += cost;
		l->dropped_total += cost;
		return false;
	}
	l->used += cost;
	return true;
}

bool log_guest_limited(int g, const char *fmt, ...)
{
	uint64_t dropped;
	va_list ap;
	bool ok;

	if (g < 0 || g >= LOG_MAX_GUESTS)
		return false;
	lock(&ring_lock);
	ok = limit_take(&line_limit[g], 1, LOG_LIMIT_BURST, LOG_LIMIT_WINDOW_S, &dropped);
	unlock(&ring_lock);
	if (dropped)
		log_guest(g, "%llu more lines about it were suppressed (at most %d per %d s)",
			  (unsigned long long)dropped, LOG_LIMIT_BURST, LOG_LIMIT_WINDOW_S);
	if (!ok)
		return false;
	va_start(ap, fmt);
	guest_emit(g, false, fmt, ap);
	va_end(ap);
	return true;
}

void log_guest_console(int g, const char *text, unsigned int len)
{
	char line[LOG_LINE_MAX];
	char prefix[NAME_MAX + 4];
	uint64_t dropped;
	unsigned int n;
	bool ok;

	if (g < 0 || g >= LOG_MAX_GUESTS)
		return;
	lock(&ring_lock);
	ok = limit_take(&byte_limit[g], (uint64_t)len + 1, LOG_CONSOLE_BURST, 1, &dropped);
	unlock(&ring_lock);
	if (dropped)
		log_guest(g,
			  "%llu bytes of its virtual console output were dropped (at most %d "
			  "per second)",
			  (unsigned long long)dropped, LOG_CONSOLE_BURST);
	if (!ok)
		return;
	if (guest_names[g])
		fmt_snprintf(prefix, sizeof(prefix), "[%.*s] ", NAME_MAX, guest_names[g]);
	else
		fmt_snprintf(prefix, sizeof(prefix), "[guest %d] ", g);
	n = (unsigned int)fmt_snprintf(line, sizeof(line), "%s%.*s", prefix, (int)len, text);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	emit(g, false, line, n);
}

uint64_t log_guest_suppressed(int g)
{
	uint64_t n;

	if (g < 0 || g >= LOG_MAX_GUESTS)
		return 0;
	lock(&ring_lock);
	n = line_limit[g].dropped_total + byte_limit[g].dropped_total;
	unlock(&ring_lock);
	return n;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_v(LOG_SKIFF, true, "fatal: ", fmt, ap);
	va_end(ap);
	cpu_halt();
}
