/*
 * test_printf.c - host unit tests for lib/printf.c: fmt_snprintf against the host's snprintf
 * on a table of formats (flags, widths, precisions, lengths, limits, truncation at every
 * interesting size) and on every combination the generator below builds; then the documented
 * differences (%p of NULL, %s of NULL with a precision, unknown conversions) spelled out.
 * Touches nothing outside its own buffers.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h> /* ssize_t, for %zd */

#include <cmocka.h>

#include "lib/printf.h"

#define BUF_SIZE 1024
#define CANARY 0x5a

typedef int (*snprintf_fn)(char *buf, size_t size, const char *fmt, ...);

static unsigned long checks;

/*
 * Compares one call at one buffer size: the return values, and the whole buffer, canaries
 * included, so a write past size shows. what names the call in a failure.
 */
static void compare(const char *what, int line, size_t size, const char *want, int want_n,
		    const char *got, int got_n)
{
	checks++;
	if (want_n == got_n && memcmp(want, got, BUF_SIZE) == 0)
		return;
	print_error("line %d: %s, size %zu\n", line, what, size);
	print_error("  host: %d \"%.*s\"\n", want_n, want_n < BUF_SIZE ? want_n : BUF_SIZE - 1,
		    want);
	print_error("  skiff: %d \"%.*s\"\n", got_n, got_n < BUF_SIZE ? got_n : BUF_SIZE - 1, got);
	fail();
}

/*
 * CHECK(fmt, args...): the same call to both, first into a large buffer, then at sizes 0, 1,
 * 2, half, one short (output cut by one) and exact (room for the NUL), then with a NULL
 * buffer of size 0. Arguments are evaluated several times: keep them plain.
 */
#define CHECK(...)                                                                          \
	do {                                                                                \
		char want_[BUF_SIZE];                                                       \
		char got_[BUF_SIZE];                                                        \
		int wn_;                                                                    \
		int gn_;                                                                    \
		size_t sizes_[7];                                                           \
                                                                                            \
		memset(want_, CANARY, BUF_SIZE);                                            \
		memset(got_, CANARY, BUF_SIZE);                                             \
		wn_ = snprintf(want_, BUF_SIZE, __VA_ARGS__);                               \
		gn_ = fmt_snprintf(got_, BUF_SIZE, __VA_ARGS__);                            \
		compare(#__VA_ARGS__, __LINE__, BUF_SIZE, want_, wn_, got_, gn_);           \
		assert_true(wn_ >= 0 && wn_ < BUF_SIZE);                                    \
		sizes_[0] = 0;                                                              \
		sizes_[1] = 1;                                                              \
		sizes_[2] = 2;                                                              \
		sizes_[3] = (size_t)wn_ / 2;                                                \
		sizes_[4] = (size_t)wn_;                                                    \
		sizes_[5] = (size_t)wn_ + 1;                                                \
		sizes_[6] = (size_t)wn_ + 2;                                                \
		for (size_t i_ = 0; i_ < sizeof(sizes_) / sizeof(sizes_[0]); i_++) {        \
			memset(want_, CANARY, BUF_SIZE);                                    \
			memset(got_, CANARY, BUF_SIZE);                                     \
			wn_ = snprintf(want_, sizes_[i_], __VA_ARGS__);                     \
			gn_ = fmt_snprintf(got_, sizes_[i_], __VA_ARGS__);                  \
			compare(#__VA_ARGS__, __LINE__, sizes_[i_], want_, wn_, got_, gn_); \
		}                                                                           \
		assert_int_equal(fmt_snprintf(NULL, 0, __VA_ARGS__), wn_);                  \
	} while (0)

/* EXPECT(want, fmt, args...): skiff's output where it differs from glibc, by design. */
#define EXPECT(want, ...)                                                \
	do {                                                             \
		char got_[BUF_SIZE];                                     \
		int gn_ = fmt_snprintf(got_, sizeof(got_), __VA_ARGS__); \
                                                                         \
		checks++;                                                \
		assert_string_equal(got_, want);                         \
		assert_int_equal(gn_, strlen(want));                     \
	} while (0)

static void test_signed(void **state)
{
	(void)state;
	CHECK("%d", 0);
	CHECK("%d", 1);
	CHECK("%d", -1);
	CHECK("%d", INT_MAX);
	CHECK("%d", INT_MIN);
	CHECK("%i", 42);
	CHECK("%i", -42);
	CHECK("%5d", 42);
	CHECK("%5d", -42);
	CHECK("%-5d|", 42);
	CHECK("%-5d|", -42);
	CHECK("%05d", 42);
	CHECK("%05d", -42);
	CHECK("%+d", 42);
	CHECK("%+d", 0);
	CHECK("%+d", -42);
	CHECK("% d", 42);
	CHECK("% d", -42);
	CHECK("%+5d", 42);
	CHECK("%-+5d|", 42);
	CHECK("% 5d", 42);
	CHECK("% 05d", 42);
	CHECK("%+05d", 42);
	CHECK("%+05d", -42);
	CHECK("%1d", 12345);
	CHECK("%2d", INT_MIN);
	CHECK("%20d", INT_MIN);
	CHECK("%-20d|", INT_MIN);
	CHECK("%020d", INT_MIN);
	CHECK("%.3d", 7);
	CHECK("%.3d", -7);
	CHECK("%.3d", 12345);
	CHECK("%.10d", INT_MIN);
	CHECK("%+.10d", INT_MAX);
	CHECK("%8.3d", -7);
	CHECK("%-8.3d|", -7);
	CHECK("%20.15d", 123);
	CHECK("%.d", 0);
	CHECK("%.0d", 0);
	CHECK("%.0d", 1);
	CHECK("%5.0d|", 0);
	CHECK("%-5.0d|", 0);
	CHECK("%+.0d", 0);
	CHECK("% .0d", 0);
	CHECK("%.1d", 0);
	CHECK("%300d", 1);
	CHECK("%-300d|", -1);
	CHECK("%.300d", -1);
	CHECK("%*d", 5, 42);
	CHECK("%*d|", -5, 42);
	CHECK("%-*d|", 5, 42);
	CHECK("%-*d|", -5, 42);
	CHECK("%*d", 0, 42);
	CHECK("%0*d", 6, -42);
	CHECK("%.*d", 3, 7);
	CHECK("%.*d", 0, 0);
	CHECK("%.*d", -1, 0);
	CHECK("%.*d", -5, 42);
	CHECK("%*.*d", 8, 4, -12);
	CHECK("%-*.*d|", 8, 4, -12);
}

static void test_unsigned(void **state)
{
	(void)state;
	CHECK("%u", 0u);
	CHECK("%u", 42u);
	CHECK("%u", UINT_MAX);
	CHECK("%10u", UINT_MAX);
	CHECK("%-12u|", UINT_MAX);
	CHECK("%012u", 42u);
	CHECK("%.12u", 42u);
	CHECK("%.0u", 0u);
	CHECK("%x", 0u);
	CHECK("%x", 255u);
	CHECK("%X", 255u);
	CHECK("%x", UINT_MAX);
	CHECK("%X", 0xdeadbeefu);
	CHECK("%#x", 0u);
	CHECK("%#x", 255u);
	CHECK("%#X", 255u);
	CHECK("%#10x", 255u);
	CHECK("%#-10x|", 255u);
	CHECK("%#010x", 255u);
	CHECK("%#010X", 255u);
	CHECK("%#.5x", 255u);
	CHECK("%#10.5x", 255u);
	CHECK("%#.0x", 0u);
	CHECK("%#5.0x|", 0u);
	CHECK("%.0x", 0u);
	CHECK("%#x", 1u);
	CHECK("%o", 0u);
	CHECK("%o", 8u);
	CHECK("%o", UINT_MAX);
	CHECK("%#o", 0u);
	CHECK("%#o", 8u);
	CHECK("%#.0o", 0u);
	CHECK("%.0o", 0u);
	CHECK("%#.3o", 8u);
	CHECK("%#.2o", 8u);
	CHECK("%#.4o", 8u);
	CHECK("%#5o", 8u);
	CHECK("%#-5o|", 8u);
	CHECK("%#05o", 8u);
	CHECK("%*x", 6, 0xabu);
	CHECK("%-*x|", 6, 0xabu);
	CHECK("%#*.*x", 10, 6, 0xabu);
}

static const struct {
	const char *fmt;
	int value;
} narrow[] = {
	{ "%hhd", 128 },    { "%hhd", -129 },	 { "%hhd", 300 },    { "%hhu", 256 },
	{ "%hhu", -1 },	    { "%hhx", 0x1ff },	 { "%hho", 0777 },   { "%hhX", 0xabc },
	{ "%hd", 32768 },   { "%hd", -32769 },	 { "%hu", 65536 },   { "%hu", -1 },
	{ "%hx", 0x12345 }, { "%#ho", 0x12345 }, { "%+hhd", 0x17f }, { "%05hd", 0x18000 },
};

static const struct {
	const char *fmt;
	size_t value;
} size_args[] = {
	{ "%tu", PTRDIFF_MAX },
	{ "%tx", SIZE_MAX },
	{ "%#to", SIZE_MAX },
	{ "%tu", 0 },
};

static void test_lengths(void **state)
{
	(void)state;
	CHECK("%hhd", (signed char)127);
	CHECK("%hhd", (signed char)-128);
	CHECK("%hhu", (unsigned char)255);
	CHECK("%hhx", (unsigned char)0xab);
	CHECK("%#hho", (unsigned char)0377);
	CHECK("%hd", (short)32767);
	CHECK("%hd", (short)-32768);
	CHECK("%hu", (unsigned short)65535);
	CHECK("%#hX", (unsigned short)0xbeef);
	/*
	 * An int out of the narrow type's range: C converts the promoted argument back to the
	 * narrow type before printing. Through a table, because cppcheck takes the int for a
	 * type mismatch.
	 */
	for (size_t i = 0; i < sizeof(narrow) / sizeof(narrow[0]); i++)
		CHECK(narrow[i].fmt, narrow[i].value);
	CHECK("%ld", LONG_MIN);
	CHECK("%ld", LONG_MAX);
	CHECK("%li", -1L);
	CHECK("%lu", ULONG_MAX);
	CHECK("%lx", ULONG_MAX);
	CHECK("%#lo", ULONG_MAX);
	CHECK("%lld", LLONG_MIN);
	CHECK("%lld", LLONG_MAX);
	CHECK("%+lld", LLONG_MAX);
	CHECK("%30lld", LLONG_MIN);
	CHECK("%-30lld|", LLONG_MIN);
	CHECK("%030lld", LLONG_MIN);
	CHECK("%.25lld", LLONG_MIN);
	CHECK("%llu", ULLONG_MAX);
	CHECK("%llx", ULLONG_MAX);
	CHECK("%#llX", ULLONG_MAX);
	CHECK("%#llo", ULLONG_MAX);
	CHECK("%#30llo", ULLONG_MAX);
	CHECK("%zu", SIZE_MAX);
	CHECK("%zu", (size_t)0);
	CHECK("%zx", (size_t)0x1000);
	CHECK("%zd", (ssize_t)-5);
	CHECK("%zd", (ssize_t)PTRDIFF_MAX);
	CHECK("%td", PTRDIFF_MIN);
	CHECK("%td", (ptrdiff_t)-1);
	/* C names no unsigned ptrdiff_t; cppcheck wants one: size_t goes through a variable. */
	for (size_t i = 0; i < sizeof(size_args) / sizeof(size_args[0]); i++)
		CHECK(size_args[i].fmt, size_args[i].value);
	CHECK("%jd", INTMAX_MIN);
	CHECK("%jd", INTMAX_MAX);
	CHECK("%ju", UINTMAX_MAX);
	CHECK("%jx", UINTMAX_MAX);
	CHECK("%#jo", (uintmax_t)1);
	/* Mixed lengths in one format keep the va_list in step. */
	CHECK("%hhd %hd %d %ld %lld %zd %td %jd", (signed char)-1, (short)-2, -3, -4L, -5LL,
	      (ssize_t)-6, (ptrdiff_t)-7, (intmax_t)-8);
	CHECK("%llx %d %llx", ULLONG_MAX, 5, 0x123456789abcdefULL);
}

static void test_char_string(void **state)
{
	const char unterminated[3] = { 'a', 'b', 'c' };

	(void)state;
	CHECK("%c", 'a');
	CHECK("%c%c%c", 'a', 'b', 'c');
	CHECK("%5c", 'a');
	CHECK("%-5c|", 'a');
	CHECK("%*c", 4, 'x');
	CHECK("%*c|", -4, 'x');
	CHECK("[%c]", 0);
	CHECK("%c", 255);
	CHECK("%c", 0x141);
	CHECK("%s", "hello");
	CHECK("%s", "");
	CHECK("%5s|", "");
	CHECK("%10s", "hello");
	CHECK("%-10s|", "hello");
	CHECK("%2s", "hello");
	CHECK("%.3s", "hello");
	CHECK("%.0s", "hello");
	CHECK("%.10s", "abc");
	CHECK("%10.3s", "hello");
	CHECK("%-10.3s|", "hello");
	CHECK("%*s", 8, "x");
	CHECK("%*s|", -8, "x");
	CHECK("%-*s|", 8, "x");
	CHECK("%.*s", 2, "abcdef");
	CHECK("%.*s", -1, "abc");
	CHECK("%*.*s|", -6, 2, "abcdef");
	/* The precision bounds the read: ASan catches a look past the array. */
	CHECK("%.3s", unterminated);
	CHECK("%.*s", 2, unterminated);
	CHECK("%s", "\xff\x80 high bytes");
	CHECK("%s and %s", "this", "that");
	CHECK("%700s", "wide");
}

static void test_misc(void **state)
{
	int local = 0;

	(void)state;
	CHECK("plain text");
	CHECK("%%");
	CHECK("100%%");
	CHECK("%%d");
	CHECK("%d%%", 50);
	CHECK("a%db%sc%xd%%e%cf", 1, "two", 3u, '4');
	CHECK("%s=%d (%#x)", "irq", 27, 27u);
	CHECK("skiff: config: %s: MMIO %#llx+%#llx already assigned to %s", "/pl011@9000000",
	      0x9000000ULL, 0x1000ULL, "guest@1");
	/* %p of a non-NULL pointer: glibc prints 0x<hex> too. */
	CHECK("%p", (void *)0x1234);
	CHECK("%p", (void *)&local);
	CHECK("%20p|", (void *)0xdeadbeef);
	CHECK("%-20p|", (void *)0xdeadbeef);
	CHECK("%p", (void *)UINTPTR_MAX);
}

/* Outputs larger than the buffer: the return is the full length, the buffer its start. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
static void test_truncation(void **state)
{
	char want[BUF_SIZE];
	char got[BUF_SIZE];
	int wn;
	int gn;

	(void)state;
	memset(want, CANARY, sizeof(want));
	memset(got, CANARY, sizeof(got));
	wn = snprintf(want, 100, "%2000d|%s", 7, "tail");
	gn = fmt_snprintf(got, 100, "%2000d|%s", 7, "tail");
	compare("%2000d|%s", __LINE__, 100, want, wn, got, gn);
	assert_int_equal(gn, 2005);

	memset(got, CANARY, sizeof(got));
	assert_int_equal(fmt_snprintf(got, 1, "abc"), 3);
	assert_int_equal(got[0], '\0');
	assert_int_equal((unsigned char)got[1], CANARY);

	memset(got, CANARY, sizeof(got));
	assert_int_equal(fmt_snprintf(got, 0, "abc"), 3);
	assert_int_equal((unsigned char)got[0], CANARY);

	memset(got, CANARY, sizeof(got));
	assert_int_equal(fmt_snprintf(got, 3, "abc"), 3);
	assert_string_equal(got, "ab");
	assert_int_equal(fmt_snprintf(got, 4, "abc"), 3);
	assert_string_equal(got, "abc");
}
#pragma GCC diagnostic pop

/* Through the va_list entry point, as a logging wrapper would call it. */
static int wrap(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int wrap(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(wrap(buf, sizeof(buf), "%s-%d-%llx", "x", -3, 0xabcULL), 8);
	assert_string_equal(buf, "x--3-abc");
	assert_int_equal(wrap(buf, 4, "%s-%d-%llx", "x", -3, 0xabcULL), 8);
	assert_string_equal(buf, "x--");
}

/*
 * What lib/printf.c documents where it differs from glibc on purpose, or where C leaves the
 * output undefined. GCC's format checking rejects most of these, so it is off here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_differences(void **state)
{
	(void)state;
	EXPECT("0x0", "%p", (void *)NULL);
	EXPECT("   0x0|", "%6p|", (void *)NULL);
	EXPECT("(null)", "%s", (const char *)NULL);
	EXPECT("    (null)", "%10s", (const char *)NULL);
	EXPECT("(null)    |", "%-10s|", (const char *)NULL);
	EXPECT("(nu", "%.3s", (const char *)NULL);
	EXPECT("", "%.0s", (const char *)NULL);
	/* Unknown conversions: copied through, flags and all, taking no argument. */
	EXPECT("%y", "%y");
	EXPECT("%5.2y", "%5.2y");
	EXPECT("%-#0lly", "%-#0lly");
	EXPECT("%k5", "%k%d", 5);
	EXPECT("%f 7", "%f %d", 7);
	EXPECT("%n", "%n");
	EXPECT("%L", "%L");
	/* ...but a * in one still takes its int. */
	EXPECT("%*y7", "%*y%d", 3, 7);
	/* A format that ends inside a specification. */
	EXPECT("%", "%");
	EXPECT("abc%", "abc%");
	EXPECT("%5", "%5");
	EXPECT("%-08.3l", "%-08.3l");
	EXPECT("7%hh", "%d%hh", 7);
	/* %% ignores any flags or width. */
	EXPECT("%", "%5%");
	/* The 0 flag is for integers only. */
	EXPECT("   ab", "%05s", "ab");
	EXPECT("    a", "%05c", 'a');
	/* # on d, i, u (undefined in C) is ignored. */
	EXPECT("42 -42 42", "%#d %#i %#u", 42, -42, 42u);

	/* Cut short like anything else. */
	char buf[8];

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 3, "%p", (void *)NULL), 3);
	assert_string_equal(buf, "0x");
	assert_int_equal((unsigned char)buf[3], CANARY);
	assert_int_equal(fmt_snprintf(buf, 4, "%s", (const char *)NULL), 6);
	assert_string_equal(buf, "(nu");
	assert_int_equal(fmt_snprintf(buf, 4, "ab%y"), 4);
	assert_string_equal(buf, "ab%");
}
#pragma GCC diagnostic pop

/*
 * These are defined by C but draw GCC warnings (a flag that another overrides, a sign flag
 * on an unsigned conversion, a 0 flag with a precision, an empty format); compare them with
 * glibc all the same.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
static void test_flag_interplay(void **state)
{
	(void)state;
	CHECK("");
	CHECK("%-05d|", 42);
	CHECK("%-05d|", -42);
	CHECK("%+ d", 42);
	CHECK("% +d", 42);
	CHECK("%+ 05d", 42);
	CHECK("%+u", 42u);
	CHECK("% u", 42u);
	CHECK("%+x", 42u);
	CHECK("% X", 42u);
	CHECK("%+o", 42u);
	CHECK("%-#010x|", 255u);
	CHECK("%--5d|", 1);
	CHECK("%00005d", 1);
	CHECK("%-0*d|", 6, 42);
	CHECK("%0*d|", -6, 42);
	/* The 0 flag is ignored when a precision is given. */
	CHECK("%08.3d", -7);
	CHECK("%08.3d", 7);
	CHECK("%05.0d", 0);
	CHECK("%0.*d", -1, 42);
	CHECK("%0*.*d", 8, -1, 42);
	CHECK("%#010.5x", 255u);
}
#pragma GCC diagnostic pop

/*
 * The generator: every flag set, width, precision, length and integer conversion over a few
 * boundary values for the argument's type; then %s, %c and %p over every width and precision
 * with the flags C defines for them. Formats are built at run time, so the calls go through
 * a function pointer that fits both snprintf and fmt_snprintf.
 */
enum arg_type {
	ARG_INT,
	ARG_UINT,
	ARG_LONG,
	ARG_ULONG,
	ARG_LLONG,
	ARG_ULLONG,
	ARG_SSIZE,
	ARG_SIZE,
	ARG_INTMAX,
	ARG_UINTMAX,
	ARG_PTR,
	ARG_STR
};

struct gen_call {
	char fmt[32];
	int nstar;
	int star[2];
	enum arg_type type;
	uintmax_t bits;	 /* the value, converted to type before the call */
	const char *str; /* for ARG_STR */
};

#define GEN_CALL(fn, buf, size, c, v)                                 \
	((c)->nstar == 0   ? fn(buf, size, (c)->fmt, v)               \
	 : (c)->nstar == 1 ? fn(buf, size, (c)->fmt, (c)->star[0], v) \
			   : fn(buf, size, (c)->fmt, (c)->star[0], (c)->star[1], v))

static int gen_run(snprintf_fn fn, char *buf, size_t size, const struct gen_call *c)
{
	switch (c->type) {
	case ARG_INT:
		return GEN_CALL(fn, buf, size, c, (int)c->bits);
	case ARG_UINT:
		return GEN_CALL(fn, buf, size, c, (unsigned int)c->bits);
	case ARG_LONG:
		return GEN_CALL(fn, buf, size, c, (long)c->bits);
	case ARG_ULONG:
		return GEN_CALL(fn, buf, size, c, (unsigned long)c->bits);
	case ARG_LLONG:
		return GEN_CALL(fn, buf, size, c, (long long)c->bits);
	case ARG_ULLONG:
		return GEN_CALL(fn, buf, size, c, (unsigned long long)c->bits);
	case ARG_SSIZE:
		return GEN_CALL(fn, buf, size, c, (ptrdiff_t)c->bits);
	case ARG_SIZE:
		return GEN_CALL(fn, buf, size, c, (size_t)c->bits);
	case ARG_INTMAX:
		return GEN_CALL(fn, buf, size, c, (intmax_t)c->bits);
	case ARG_UINTMAX:
		return GEN_CALL(fn, buf, size, c, (uintmax_t)c->bits);
	case ARG_PTR:
		return GEN_CALL(fn, buf, size, c, (void *)(uintptr_t)c->bits);
	case ARG_STR:
		return GEN_CALL(fn, buf, size, c, c->str);
	}
	return -1;
}

/* One generated call, into the large buffer and into one of trunc bytes. */
static void gen_check(const struct gen_call *c, size_t trunc)
{
	char want[BUF_SIZE];
	char got[BUF_SIZE];
	const size_t sizes[] = { BUF_SIZE, trunc };

	for (size_t i = 0; i < 2; i++) {
		int wn;
		int gn;

		memset(want, CANARY, sizeof(want));
		memset(got, CANARY, sizeof(got));
		wn = gen_run(snprintf, want, sizes[i], c);
		gn = gen_run(fmt_snprintf, got, sizes[i], c);
		if (wn != gn || memcmp(want, got, BUF_SIZE) != 0) {
			print_error("format \"%s\" stars %d (%d, %d) value %#jx\n", c->fmt,
				    c->nstar, c->star[0], c->star[1], c->bits);
			compare(c->fmt, __LINE__, sizes[i], want, wn, got, gn);
		}
		checks++;
	}
}

/* A width or precision: its text, and the * argument when the text has a '*'. */
struct gen_num {
	const char *text;
	int star;
};

static const struct gen_num gen_widths[] = {
	{ "", 0 }, { "1", 0 }, { "6", 0 }, { "23", 0 }, { "*", 6 }, { "*", -6 }, { "*", 0 },
};

static const struct gen_num gen_precs[] = {
	{ "", 0 },    { ".", 0 },  { ".0", 0 }, { ".1", 0 },  { ".4", 0 },
	{ ".21", 0 }, { ".*", 0 }, { ".*", 3 }, { ".*", -1 },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Builds "%<flags><width><precision><length><conv>" into c, with its * arguments. */
static void gen_format(struct gen_call *c, const char *flag_chars, unsigned int flags,
		       const struct gen_num *width, const struct gen_num *prec, const char *mod,
		       char conv)
{
	char *f = c->fmt;

	*f++ = '%';
	for (unsigned int b = 0; flag_chars[b]; b++) {
		if (flags & (1u << b))
			*f++ = flag_chars[b];
	}
	snprintf(f, sizeof(c->fmt) - (size_t)(f - c->fmt), "%s%s%s%c", width->text, prec->text, mod,
		 conv);
	c->nstar = 0;
	if (strchr(width->text, '*'))
		c->star[c->nstar++] = width->star;
	if (strchr(prec->text, '*'))
		c->star[c->nstar++] = prec->star;
}

struct gen_length {
	const char *mod;
	enum arg_type signed_type;
	enum arg_type unsigned_type;
	const uintmax_t *values;
	size_t nvalues;
};

static const uintmax_t int_values[] = { 0,
					1,
					7,
					8,
					255,
					256,
					300,
					0x7fff,
					0x8000,
					INT_MAX,
					(uintmax_t)INT_MIN,
					(uintmax_t)-1,
					(uintmax_t)-42,
					(uintmax_t)-129 };

static const uintmax_t wide_values[] = { 0,
					 1,
					 8,
					 0xabcdef,
					 UINT_MAX,
					 (uintmax_t)UINT_MAX + 1,
					 INT64_MAX,
					 (uintmax_t)INT64_MIN,
					 (uintmax_t)-1,
					 (uintmax_t)-42 };

static const struct gen_length gen_lengths[] = {
	{ "", ARG_INT, ARG_UINT, int_values, ARRAY_LEN(int_values) },
	{ "hh", ARG_INT, ARG_UINT, int_values, ARRAY_LEN(int_values) },
	{ "h", ARG_INT, ARG_UINT, int_values, ARRAY_LEN(int_values) },
	{ "l", ARG_LONG, ARG_ULONG, wide_values, ARRAY_LEN(wide_values) },
	{ "ll", ARG_LLONG, ARG_ULLONG, wide_values, ARRAY_LEN(wide_values) },
	{ "z", ARG_SSIZE, ARG_SIZE, wide_values, ARRAY_LEN(wide_values) },
	{ "t", ARG_SSIZE, ARG_SIZE, wide_values, ARRAY_LEN(wide_values) },
	{ "j", ARG_INTMAX, ARG_UINTMAX, wide_values, ARRAY_LEN(wide_values) },
};

/* A fixed-seed LCG picks the truncated size, 0..39, for each generated call. */
static size_t gen_trunc(void)
{
	static uint64_t rng = 0x5eed;

	rng = rng * 6364136223846793005ULL + 1;
	return (size_t)(rng >> 33) % 40;
}

static void test_generated_integers(void **state)
{
	static const char convs[] = "diuoxX";
	unsigned long before = checks;
	struct gen_call c = { .nstar = 0 };

	(void)state;
	for (unsigned int flags = 0; flags < 32; flags++) {
		for (size_t w = 0; w < ARRAY_LEN(gen_widths); w++) {
			for (size_t p = 0; p < ARRAY_LEN(gen_precs); p++) {
				for (size_t l = 0; l < ARRAY_LEN(gen_lengths); l++) {
					const struct gen_length *len = &gen_lengths[l];

					for (const char *conv = convs; *conv; conv++) {
						bool is_signed = *conv == 'd' || *conv == 'i';

						/* # (bit 4) on d and i is undefined in C. */
						if (is_signed && (flags & 16))
							continue;
						gen_format(&c, "-0+ #", flags, &gen_widths[w],
							   &gen_precs[p], len->mod, *conv);
						c.type = is_signed ? len->signed_type
								   : len->unsigned_type;
						for (size_t v = 0; v < len->nvalues; v++) {
							c.bits = len->values[v];
							gen_check(&c, gen_trunc());
						}
					}
				}
			}
		}
	}
	print_message("# %lu generated integer checks\n", checks - before);
}

/* %s, %c and %p take only the - flag in C (and 0 for %p, as glibc treats it like %#x). */
static void test_generated_others(void **state)
{
	static const char *const strs[] = { "", "a", "hello", "a longer string of text" };
	static const int chars[] = { 'a', ' ', 0xff };
	static const uintmax_t ptrs[] = { 1, 0x1234, 0xdeadbeef, UINTPTR_MAX };
	unsigned long before = checks;
	struct gen_call c = { .nstar = 0 };

	(void)state;
	for (unsigned int flags = 0; flags < 4; flags++) {
		for (size_t w = 0; w < ARRAY_LEN(gen_widths); w++) {
			for (size_t p = 0; p < ARRAY_LEN(gen_precs); p++) {
				gen_format(&c, "-0", flags, &gen_widths[w], &gen_precs[p], "", 'p');
				c.type = ARG_PTR;
				for (size_t i = 0; i < ARRAY_LEN(ptrs); i++) {
					c.bits = ptrs[i];
					gen_check(&c, gen_trunc());
				}
				/* The 0 flag on %s and %c is undefined in C. */
				if (flags & 2)
					continue;
				gen_format(&c, "-", flags, &gen_widths[w], &gen_precs[p], "", 's');
				c.type = ARG_STR;
				for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
					c.str = strs[i];
					gen_check(&c, gen_trunc());
				}
				/* A precision on %c is undefined too. */
				if (gen_precs[p].text[0])
					continue;
				gen_format(&c, "-", flags, &gen_widths[w], &gen_precs[p], "", 'c');
				c.type = ARG_INT;
				for (size_t i = 0; i < ARRAY_LEN(chars); i++) {
					c.bits = (uintmax_t)chars[i];
					gen_check(&c, gen_trunc());
				}
			}
		}
	}
	print_message("# %lu generated %%s %%c %%p checks\n", checks - before);
}

static int report(void **state)
{
	(void)state;
	print_message("# %lu comparisons in all\n", checks);
	return 0;
}

/* ---- fmt_message: "<where>: <message>", non-printable bytes as '?', truncated */

static void message(char *buf, size_t size, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_message(buf, size, where, fmt, ap);
	va_end(ap);
}

static void test_message(void **state)
{
	char buf[32];

	(void)state;
	message(buf, sizeof(buf), "guest@0/uart", "MMIO 0x%x", 0x9000000);
	assert_string_equal(buf, "guest@0/uart: MMIO 0x9000000");
	message(buf, sizeof(buf), NULL, "no prefix %d", 7);
	assert_string_equal(buf, "no prefix 7");
	message(buf, sizeof(buf),
		"/n\x01"
		"de",
		"bad \"%s\"",
		"a\tb\x80"
		"c");
	assert_string_equal(buf, "/n?de: bad \"a?b?c\"");
	message(buf, 12, "a-long-prefix-here", "message");
	assert_string_equal(buf, "a-long-pref"); /* the prefix fills it: no message */
	message(buf, 16, "where", "%s", "a long message text");
	assert_string_equal(buf, "where: a long m");
	memset(buf, 'x', sizeof(buf));
	message(buf, 0, "where", "%s", "none");
	assert_int_equal(buf[0], 'x');		  /* size 0: untouched */
	message(NULL, 10, "where", "%s", "none"); /* no buffer: nothing, no crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_char_string),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_differences),
		cmocka_unit_test(test_flag_interplay),
		cmocka_unit_test(test_generated_integers),
		cmocka_unit_test(test_generated_others),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, report);
}
