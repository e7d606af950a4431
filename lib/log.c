/*
 * log.c - skiff's log (log.h): formats lines, keeps them as records in rings, serves each
 * guest its own view of skiff's log, limits what a guest can make skiff log, and feeds the
 * console without making any CPU wait for another's output. Knows nothing of the UART or the
 * timer behind struct log_console and struct log_clock.
 *
 * Rings: skiff's log (lines about skiff as a whole and about each guest, which
 * SKIFF_HVC_LOG_READ serves) and one small ring per guest for its virtual console's lines, so
 * that a chatty guest only ever pushes its own output out. A record is an 8-byte header
 * (length of the text, owner, flags, a sequence number common to all rings) and the text,
 * ending with '\n'; records may wrap around the end of a ring. Positions are absolute byte
 * counts since boot (head: the oldest record kept; tail: the end). The console prints the
 * rings merged by sequence number.
 *
 * Locks: ring_lock guards the rings, the views and the limits, and is held only to copy a line
 * in, or a bounded batch of records out. console_lock guards the console's positions; it is
 * only ever taken with a trylock (log_flush(), before power-off, retries it while its holder
 * prints, FLUSH_STALL_MS at most once that stops): a CPU that finds it
 * taken leaves its line to the CPU holding it, which prints up to the end before it lets go
 * (and looks again after). Order: console_lock, then ring_lock.
 */
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#define LOG_LINE_MAX 256
#define REC_HDR 8
#define REC_PRINTED 1u /* a forced line, already printed while a guest had the console */
#define NR_VIEWS (LOG_MAX_GUESTS + 1)
#define VIEW_ALL_INDEX LOG_MAX_GUESTS
#define NR_RINGS (LOG_MAX_GUESTS + 1)
#define CHUNK 64
#define NAME_MAX 32
#define READ_BATCH 64	   /* records a LOG_READ walks per hold of ring_lock */
#define NO_OWNER (-3)	   /* of the console: skiff's own, or no guest's */
#define FLUSH_STALL_MS 200 /* log_flush(): a console holder printing nothing this long is gone */

struct rec {
	unsigned int len; /* text bytes, the '\n' included */
	int owner;	  /* LOG_SKIFF, LOG_PRIVATE or a guest */
	unsigned int flags;
	uint32_t seq;
};

struct ring {
	char *buf;
	unsigned int size;
	uint64_t head, tail;
	uint64_t con_pos;      /* the record the console prints (console_lock) */
	unsigned int con_char; /* the next byte of its text */
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
static int console_owner = NO_OWNER; /* the guest the console UART is handed to */

static struct spinlock ring_lock;
static struct spinlock console_lock;

static char log_buf[LOG_RING_SIZE];
static char console_buf[LOG_MAX_GUESTS][LOG_CONSOLE_RING];
_Static_assert(LOG_MAX_GUESTS == 4, "one virtual console ring per guest below");
/* 0: skiff's log; 1 + g: guest g's virtual console */
static struct ring rings[NR_RINGS] = {
	{ .buf = log_buf, .size = LOG_RING_SIZE },
	{ .buf = console_buf[0], .size = LOG_CONSOLE_RING },
	{ .buf = console_buf[1], .size = LOG_CONSOLE_RING },
	{ .buf = console_buf[2], .size = LOG_CONSOLE_RING },
	{ .buf = console_buf[3], .size = LOG_CONSOLE_RING },
};
static uint32_t next_seq;
static uint64_t view_total[NR_VIEWS]; /* bytes of text each view has had since boot */
static uint64_t view_base[NR_VIEWS];  /* its view offset of the oldest byte kept */
static struct limit line_limit[LOG_MAX_GUESTS], byte_limit[LOG_MAX_GUESTS];

static struct ring *con_ring; /* the ring whose record the console is in the middle of */
static bool con_cr;	      /* the '\r' before the '\n' at con_char is out */
static char con_note[80];     /* "the console missed N bytes", printed before the record */
static unsigned int con_note_len, con_note_pos;

static struct ring *log_ring(void)
{
	return &rings[0];
}

/* ---- set-up */

void log_set_console(const struct log_console *c)
{
	console = c;
}

void log_set_clock(const struct log_clock *c)
{
	clock = c;
}

static log_halt_fn halt_fn;

void log_set_halt(log_halt_fn halt)
{
	halt_fn = halt;
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

/* ---- rings (ring_lock held) */

static void ring_put(struct ring *r, uint64_t pos, const void *src, unsigned int n)
{
	unsigned int at = (unsigned int)(pos % r->size), first = r->size - at;

	if (first > n)
		first = n;
	memcpy(&r->buf[at], src, first);
	memcpy(r->buf, (const char *)src + first, n - first);
}

static void ring_get(const struct ring *r, uint64_t pos, void *dst, unsigned int n)
{
	unsigned int at = (unsigned int)(pos % r->size), first = r->size - at;

	if (first > n)
		first = n;
	memcpy(dst, &r->buf[at], first);
	memcpy((char *)dst + first, r->buf, n - first);
}

static struct rec rec_at(const struct ring *r, uint64_t pos)
{
	uint8_t h[REC_HDR];
	struct rec rec;

	ring_get(r, pos, h, REC_HDR);
	rec.len = (unsigned int)h[0] | (unsigned int)h[1] << 8;
	rec.owner = (int8_t)h[2];
	rec.flags = h[3];
	rec.seq =
		(uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
	return rec;
}

/* LOG_PRIVATE records are in VIEW_ALL only */
static bool visible(int owner, int view)
{
	return view == VIEW_ALL_INDEX || owner == LOG_SKIFF || owner == view;
}

static void evict_oldest(struct ring *r)
{
	struct rec rec = rec_at(r, r->head);

	if (r == &rings[0])
		for (int v = 0; v < NR_VIEWS; v++)
			if (visible(rec.owner, v))
				view_base[v] += rec.len;
	r->head += REC_HDR + rec.len;
}

static void ring_append(struct ring *r, int owner, unsigned int flags, const char *text,
			unsigned int len)
{
	uint32_t seq = next_seq++;
	uint8_t h[REC_HDR] = { (uint8_t)len,	     (uint8_t)(len >> 8), (uint8_t)(int8_t)owner,
			       (uint8_t)flags,	     (uint8_t)seq,	  (uint8_t)(seq >> 8),
			       (uint8_t)(seq >> 16), (uint8_t)(seq >> 24) };

	while (r->tail + REC_HDR + len - r->head > r->size)
		evict_oldest(r);
	ring_put(r, r->tail, h, REC_HDR);
	ring_put(r, r->tail + REC_HDR, text, len);
	__atomic_store_n(&r->tail, r->tail + REC_HDR + len, __ATOMIC_RELEASE);
	if (r == &rings[0])
		for (int v = 0; v < NR_VIEWS; v++)
			if (visible(owner, v))
				view_total[v] += len;
}

/*
 * The view is read in batches of READ_BATCH records, ring_lock let go in between, so that a
 * reader (a guest asking for any offset, as often as it likes) never holds up the CPUs that
 * log. If records it was walking are evicted meanwhile, it stops there: what it copied so far
 * is one contiguous piece of the view, and the next read starts from the oldest kept.
 */
uint64_t log_ring_read(int viewer, uint64_t offset, char *buf, uint64_t len, uint64_t *total)
{
	int view = viewer == LOG_VIEW_ALL ? VIEW_ALL_INDEX : viewer;
	struct ring *r = log_ring();
	uint64_t pos, voff, n = 0;
	bool first = true;

	*total = 0;
	if (viewer != LOG_VIEW_ALL && (viewer < 0 || viewer >= LOG_MAX_GUESTS))
		return 0;
	lock(&ring_lock);
	*total = view_total[view];
	pos = r->head;
	voff = view_base[view];
	if (offset < voff)
		offset = voff;
	while (pos < r->tail && n < len) {
		unsigned int batch;

		if (!first) {
			unlock(&ring_lock);
			lock(&ring_lock);
			if (pos < r->head)
				break; /* evicted under the walk */
		}
		first = false;
		for (batch = 0; batch < READ_BATCH && pos < r->tail && n < len; batch++) {
			struct rec rec = rec_at(r, pos);

			if (visible(rec.owner, view)) {
				if (offset < voff + rec.len) {
					uint64_t from = offset - voff, k = rec.len - from;

					if (k > len - n)
						k = len - n;
					ring_get(r, pos + REC_HDR + from, buf + n, (unsigned int)k);
					n += k;
					offset += k;
				}
				voff += rec.len;
			}
			pos += REC_HDR + rec.len;
		}
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

/* The ring whose next record the console prints (ring_lock held): the one in the middle of a
 * record, else the oldest by sequence number; NULL when all are printed. A ring that evicted
 * records the console had not printed yet says how much it missed. */
static struct ring *next_ring(void)
{
	struct ring *best = NULL;
	uint32_t best_seq = 0;
	unsigned int i;

	if (con_ring && con_ring->con_pos >= con_ring->head && con_ring->con_char)
		return con_ring;
	for (i = 0; i < NR_RINGS; i++) {
		struct ring *r = &rings[i];

		if (r->con_pos < r->head) {
			con_note_len = (unsigned int)fmt_snprintf(
				con_note, sizeof(con_note),
				"skiff: the console missed %llu bytes of %s\n",
				(unsigned long long)(r->head - r->con_pos),
				i ? "a virtual console" : "the log");
			con_note_pos = 0;
			r->con_pos = r->head;
			r->con_char = 0;
			con_cr = false;
			return NULL; /* the note first; the caller comes back */
		}
		if (r->con_pos < r->tail) {
			uint32_t seq = rec_at(r, r->con_pos).seq;

			if (!best || (int32_t)(seq - best_seq) < 0) {
				best = r;
				best_seq = seq;
			}
		}
	}
	return best;
}

/*
 * Print what the rings hold from the console's positions on: waiting for the UART (wait), or
 * only what it takes at once. true when everything is out. console_lock held.
 */
static bool drain(bool wait)
{
	char chunk[CHUNK];

	for (;;) {
		unsigned int n, done = 0;
		struct ring *r;
		struct rec rec;

		if (con_note_pos < con_note_len &&
		    !print(con_note, con_note_len, &con_note_pos, wait))
			return false;
		lock(&ring_lock);
		r = next_ring();
		if (!r) {
			unlock(&ring_lock);
			if (con_note_pos < con_note_len)
				continue;
			return true;
		}
		con_ring = r;
		rec = rec_at(r, r->con_pos);
		n = rec.flags & REC_PRINTED ? 0 : rec.len - r->con_char;
		if (n > CHUNK)
			n = CHUNK;
		ring_get(r, r->con_pos + REC_HDR + r->con_char, chunk, n);
		unlock(&ring_lock);

		if (!print(chunk, n, &done, wait)) {
			r->con_char += done;
			return false;
		}
		r->con_char += done;
		if (rec.flags & REC_PRINTED || r->con_char >= rec.len) {
			r->con_pos += REC_HDR + rec.len;
			r->con_char = 0;
			con_ring = NULL;
		}
	}
}

static bool all_printed(void)
{
	unsigned int i;

	for (i = 0; i < NR_RINGS; i++)
		if (__atomic_load_n(&rings[i].tail, __ATOMIC_ACQUIRE) !=
		    __atomic_load_n(&rings[i].con_pos, __ATOMIC_RELAXED))
			return false;
	return true;
}

/* Feed the console, if skiff has it, by whoever gets console_lock; see the top comment. */
static void console_feed(bool wait)
{
	for (;;) {
		bool done;

		if (!console || console_owner != NO_OWNER)
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
		if (all_printed())
			return;
	}
}

void log_poll(void)
{
	console_feed(!async);
}

/* How far the console has printed, for a CPU watching another print (read without
 * console_lock: only whether it moves matters). */
static uint64_t printed_so_far(void)
{
	uint64_t n = __atomic_load_n(&con_note_pos, __ATOMIC_RELAXED);
	unsigned int i;

	for (i = 0; i < NR_RINGS; i++)
		n += __atomic_load_n(&rings[i].con_pos, __ATOMIC_RELAXED) +
		     __atomic_load_n(&rings[i].con_char, __ATOMIC_RELAXED);
	return n;
}

/*
 * Waits for console_lock while its holder prints; a holder that prints nothing for
 * FLUSH_STALL_MS is taken for gone (a CPU stopped at EL2 in the middle of a line, which
 * never lets go), and the rest is printed without the lock. Without a clock it waits.
 */
void log_flush(void)
{
	uint64_t seen = ~0ull, since = 0;

	if (!console || console_owner != NO_OWNER)
		return;
	while (lock_enabled && !spin_trylock(&console_lock)) {
		uint64_t pos = printed_so_far(), t;

		if (!clock || !clock->now || !clock->freq)
			continue;
		t = clock->now();
		if (pos != seen) {
			seen = pos;
			since = t;
		} else if (t - since > clock->freq / 1000 * FLUSH_STALL_MS) {
			drain(true);
			return;
		}
	}
	drain(true);
	unlock(&console_lock);
}

void log_handover_console(int guest)
{
	if (console && console->save)
		console->save(console->ctx);
	console_owner = guest;
}

static void emit(int owner, bool force, const char *line, unsigned int len);

void log_reclaim_console(void)
{
	static const char note[] = "skiff: the console is skiff's again; what it missed follows\n";

	if (console_owner == NO_OWNER)
		return;
	if (console && console->restore)
		console->restore(
			console->ctx); /* as skiff found it: the guest may have changed it */
	emit(LOG_SKIFF, true, note, sizeof(note) - 1); /* printed now, before the rest */
	console_owner = NO_OWNER;
	console_feed(!async);
}

/* ---- lines */

/*
 * A forced line (an alert, fatal()) reaches the console even while a guest owns it - but only
 * a line about skiff as a whole or about that guest itself: the owner must not read lines
 * about other guests off its own UART.
 */
static void emit(int owner, bool force, const char *line, unsigned int len)
{
	bool direct = force && console_owner != NO_OWNER && console &&
		      (owner == LOG_SKIFF || owner == console_owner);

	lock(&ring_lock);
	ring_append(log_ring(), owner, direct ? REC_PRINTED : 0, line, len);
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

void log_cpu_line(int owner, bool force, unsigned int cpu, const char *fmt, ...)
{
	char prefix[16];
	va_list ap;

	fmt_snprintf(prefix, sizeof(prefix), "cpu%u: ", cpu);
	va_start(ap, fmt);
	emit_v(owner, force, prefix, fmt, ap);
	va_end(ap);
}

static int guest_prefix(char *prefix, size_t size, int g, const char *fmt)
{
	if (g < 0 || g >= LOG_MAX_GUESTS) {
		fmt_snprintf(prefix, size, fmt, "guest?");
		return LOG_SKIFF;
	}
	if (guest_names[g])
		fmt_snprintf(prefix, size, fmt, guest_names[g]);
	else
		fmt_snprintf(prefix, size, fmt, "guest");
	return g;
}

static void guest_emit(int g, bool force, const char *fmt, va_list ap)
{
	char prefix[NAME_MAX + 4];
	int owner = guest_prefix(prefix, sizeof(prefix), g, "%.32s: ");

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
	uint64_t dropped;
	unsigned int n;
	bool ok;

	if (g < 0 || g >= LOG_MAX_GUESTS)
		return;
	guest_prefix(line, sizeof(line), g, "[%.32s] ");
	n = (unsigned int)strlen(line);
	n += (unsigned int)fmt_snprintf(line + n, sizeof(line) - n, "%.*s", (int)len, text);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	lock(&ring_lock);
	/* charged what it costs: the record in its ring, and the console's time */
	ok = limit_take(&byte_limit[g], REC_HDR + n, LOG_CONSOLE_BUDGET, LOG_CONSOLE_WINDOW_S,
			&dropped);
	if (ok)
		ring_append(&rings[1 + g], g, 0, line, n);
	unlock(&ring_lock);
	if (dropped)
		log_guest(g,
			  "%llu bytes of its virtual console output were dropped (at most %d "
			  "per %d s)",
			  (unsigned long long)dropped, LOG_CONSOLE_BUDGET, LOG_CONSOLE_WINDOW_S);
	if (ok)
		console_feed(!async);
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
	if (halt_fn)
		halt_fn();
	for (;;)
		;
}
