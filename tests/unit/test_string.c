/*
 * test_string.c - host unit tests for lib/string.c. string_rename.h (force-included by
 * string.mk) renames skiff's functions to skiff_<name>; each is checked against the host
 * libc on the same inputs: random bytes from a fixed seed, every alignment 0..15 of source
 * and destination, lengths 0..64 and a few large ones, overlaps both ways, strtoul edge
 * cases. Touches nothing outside its own buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* skiff's declarations, under the renamed names string_rename.h gives them... */
#include "include/libc/stdlib.h"
#include "include/libc/string.h"

/* ...and the plain names back to the host libc: the reference. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strtoul

#include <cmocka.h>

#define ALIGNS 16
#define MAXLEN 64
/* Room for any alignment, any length and a tail of canary bytes. */
#define BUF_SIZE (ALIGNS + MAXLEN + 32)

/* Fails the test with a message saying which input broke it. */
#define EXPECT(cond, ...)                         \
	do {                                      \
		if (!(cond)) {                    \
			print_error(__VA_ARGS__); \
			print_error("\n");        \
			fail_msg("%s", #cond);    \
		}                                 \
	} while (0)

static uint64_t rng_state;

/* xorshift64*, so the inputs are the same on every host. */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int rng_seed(void **state)
{
	(void)state;
	rng_state = 0x5eed5c1ffULL;
	return 0;
}

static unsigned int rng_below(unsigned int n)
{
	return (unsigned int)(rng_next() >> 32) % n;
}

static void fill_random(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)rng_next();
}

/* A string of n bytes drawn from a small alphabet (with high-bit bytes), then a NUL. */
static void fill_string(char *p, size_t n)
{
	static const char alphabet[] = { 'a', 'b', 'z', '\x80', '\xff', '\x7f' };

	while (n--)
		*p++ = alphabet[rng_below(sizeof(alphabet))];
	*p = '\0';
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The host's strnlen is POSIX, not C11: the reference is built from memchr. */
static size_t ref_strnlen(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);

	return nul ? (size_t)(nul - s) : max;
}

static void test_memcpy_alignments(void **state)
{
	_Alignas(16) unsigned char src[BUF_SIZE];
	_Alignas(16) unsigned char got[BUF_SIZE];
	_Alignas(16) unsigned char want[BUF_SIZE];

	(void)state;
	for (size_t sa = 0; sa < ALIGNS; sa++) {
		for (size_t da = 0; da < ALIGNS; da++) {
			for (size_t len = 0; len <= MAXLEN; len++) {
				fill_random(src, sizeof(src));
				fill_random(got, sizeof(got));
				memcpy(want, got, sizeof(want));
				memcpy(want + da, src + sa, len);
				EXPECT(skiff_memcpy(got + da, src + sa, len) == got + da,
				       "memcpy return: src+%zu dst+%zu len %zu", sa, da, len);
				EXPECT(memcmp(got, want, sizeof(got)) == 0,
				       "memcpy: src+%zu dst+%zu len %zu", sa, da, len);
			}
		}
	}
}

static void test_memcpy_large(void **state)
{
	static const size_t lens[] = { 4096, 4096 + 7, 65536 + 13, 1 << 20 };
	static const size_t offs[] = { 0, 1, 7, 8, 15 };
	size_t max = (1 << 20) + 64;
	unsigned char *src = test_malloc(max);
	unsigned char *got = test_malloc(max);
	unsigned char *want = test_malloc(max);

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t s = 0; s < sizeof(offs) / sizeof(offs[0]); s++) {
			for (size_t d = 0; d < sizeof(offs) / sizeof(offs[0]); d++) {
				fill_random(src, max);
				fill_random(got, max);
				memcpy(want, got, max);
				memcpy(want + offs[d], src + offs[s], lens[i]);
				skiff_memcpy(got + offs[d], src + offs[s], lens[i]);
				EXPECT(memcmp(got, want, max) == 0,
				       "memcpy: src+%zu dst+%zu len %zu", offs[s], offs[d],
				       lens[i]);
			}
		}
	}
	test_free(src);
	test_free(got);
	test_free(want);
}

/* Every source and destination offset in a window, so overlaps go both ways. */
static void test_memmove_overlap(void **state)
{
	enum { WINDOW = 48, SIZE = WINDOW + MAXLEN + 16 };
	_Alignas(16) unsigned char got[SIZE];
	_Alignas(16) unsigned char want[SIZE];

	(void)state;
	for (size_t so = 0; so < WINDOW; so++) {
		for (size_t dof = 0; dof < WINDOW; dof++) {
			for (size_t len = 0; len <= MAXLEN; len++) {
				fill_random(got, sizeof(got));
				memcpy(want, got, sizeof(want));
				memmove(want + dof, want + so, len);
				EXPECT(skiff_memmove(got + dof, got + so, len) == got + dof,
				       "memmove return: src+%zu dst+%zu len %zu", so, dof, len);
				EXPECT(memcmp(got, want, sizeof(got)) == 0,
				       "memmove: src+%zu dst+%zu len %zu", so, dof, len);
			}
		}
	}
}

static void test_memmove_large(void **state)
{
	static const size_t shifts[] = { 1, 7, 8, 4095, 4096, 30000 };
	enum { SIZE = 65536 };
	unsigned char *got = test_malloc(SIZE);
	unsigned char *want = test_malloc(SIZE);
	size_t len = SIZE - 30000;

	(void)state;
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		size_t k = shifts[i];

		/* Up: dst above src. */
		fill_random(got, SIZE);
		memcpy(want, got, SIZE);
		memmove(want + k, want, len);
		skiff_memmove(got + k, got, len);
		EXPECT(memcmp(got, want, SIZE) == 0, "memmove up by %zu", k);

		/* Down: dst below src. */
		fill_random(got, SIZE);
		memcpy(want, got, SIZE);
		memmove(want, want + k, len);
		skiff_memmove(got, got + k, len);
		EXPECT(memcmp(got, want, SIZE) == 0, "memmove down by %zu", k);
	}

	/* Onto itself. */
	fill_random(got, SIZE);
	memcpy(want, got, SIZE);
	skiff_memmove(got, got, SIZE);
	assert_memory_equal(got, want, SIZE);

	test_free(got);
	test_free(want);
}

static void test_memset(void **state)
{
	static const int values[] = { 0, 0xa5, 0xff, 0x1ab, -1, -128, 0x7f };
	_Alignas(16) unsigned char got[BUF_SIZE];
	_Alignas(16) unsigned char want[BUF_SIZE];
	enum { LARGE = 8192 + 64 };
	unsigned char *big_got = test_malloc(LARGE);
	unsigned char *big_want = test_malloc(LARGE);

	(void)state;
	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		for (size_t da = 0; da < ALIGNS; da++) {
			for (size_t len = 0; len <= MAXLEN; len++) {
				fill_random(got, sizeof(got));
				memcpy(want, got, sizeof(want));
				memset(want + da, values[v], len);
				EXPECT(skiff_memset(got + da, values[v], len) == got + da,
				       "memset return: dst+%zu len %zu", da, len);
				EXPECT(memcmp(got, want, sizeof(got)) == 0,
				       "memset: c %d dst+%zu len %zu", values[v], da, len);
			}
			fill_random(big_got, LARGE);
			memcpy(big_want, big_got, LARGE);
			memset(big_want + da, values[v], 8192 + da);
			skiff_memset(big_got + da, values[v], 8192 + da);
			EXPECT(memcmp(big_got, big_want, LARGE) == 0, "memset: c %d dst+%zu large",
			       values[v], da);
		}
	}
	test_free(big_got);
	test_free(big_want);
}

static void test_memcmp(void **state)
{
	_Alignas(16) unsigned char a[BUF_SIZE];
	_Alignas(16) unsigned char b[BUF_SIZE];

	(void)state;
	for (size_t oa = 0; oa < ALIGNS; oa++) {
		for (size_t ob = 0; ob < ALIGNS; ob++) {
			for (size_t len = 0; len <= MAXLEN; len++) {
				fill_random(a + oa, len);
				memcpy(b + ob, a + oa, len);
				EXPECT(skiff_memcmp(a + oa, b + ob, len) == 0,
				       "memcmp equal: a+%zu b+%zu len %zu", oa, ob, len);
				if (!len)
					continue;
				/* One differing byte, anywhere; the n below it sees none. */
				size_t at = rng_below((unsigned int)len);

				b[ob + at] = (unsigned char)(b[ob + at] ^ (1 + rng_below(255)));
				EXPECT(sign(skiff_memcmp(a + oa, b + ob, len)) ==
					       sign(memcmp(a + oa, b + ob, len)),
				       "memcmp: a+%zu b+%zu len %zu diff at %zu", oa, ob, len, at);
				EXPECT(skiff_memcmp(a + oa, b + ob, at) == 0, "memcmp: prefix %zu",
				       at);
			}
		}
	}

	/* Bytes compare as unsigned char. */
	assert_true(skiff_memcmp("\x80", "\x01", 1) > 0);
	assert_true(skiff_memcmp("\x01", "\xff", 1) < 0);
	assert_int_equal(skiff_memcmp(NULL, NULL, 0), 0);
}

static void test_memchr(void **state)
{
	static const int needles[] = { 'a', 'b', 'z', 0x80, 0xff, '\0', 'a' + 256, -1, 'q' };
	_Alignas(16) char buf[BUF_SIZE];

	(void)state;
	for (size_t off = 0; off < ALIGNS; off++) {
		for (size_t len = 0; len <= MAXLEN; len++) {
			for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
				fill_string(buf + off, len);
				EXPECT(skiff_memchr(buf + off, needles[k], len + 1) ==
					       memchr(buf + off, needles[k], len + 1),
				       "memchr: +%zu len %zu c %d", off, len, needles[k]);
				EXPECT(skiff_memchr(buf + off, needles[k], len) ==
					       memchr(buf + off, needles[k], len),
				       "memchr: +%zu len %zu c %d", off, len, needles[k]);
			}
		}
	}
	assert_null(skiff_memchr(NULL, 'a', 0));
}

static void test_strlen_strnlen(void **state)
{
	_Alignas(16) char buf[BUF_SIZE];

	(void)state;
	for (size_t off = 0; off < ALIGNS; off++) {
		for (size_t len = 0; len <= MAXLEN; len++) {
			const size_t maxes[] = { 0,	  len ? len - 1 : 0, len,
						 len + 1, len + 100,	     SIZE_MAX };

			fill_random((unsigned char *)buf, sizeof(buf));
			for (size_t i = 0; i < len; i++)
				buf[off + i] |= buf[off + i] ? 0 : 1;
			buf[off + len] = '\0';
			EXPECT(skiff_strlen(buf + off) == strlen(buf + off), "strlen: +%zu len %zu",
			       off, len);
			for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
				EXPECT(skiff_strnlen(buf + off, maxes[m]) ==
					       ref_strnlen(buf + off, maxes[m]),
				       "strnlen: +%zu len %zu max %zu", off, len, maxes[m]);
			}
		}
	}

	/* strnlen must not read past max: 3 bytes with no NUL. */
	const char unterminated[3] = { 'a', 'b', 'c' };

	assert_int_equal(skiff_strnlen(unterminated, 3), 3);
	assert_int_equal(skiff_strnlen(unterminated, 2), 2);
}

static void test_strcmp_strncmp(void **state)
{
	char a[40];
	char b[40];

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		size_t la = rng_below(8);
		size_t lb = rng_below(8);

		fill_string(a, la);
		/* Often a prefix of, or equal to, the other. */
		if (rng_below(3) == 0) {
			memcpy(b, a, la + 1);
			if (lb < la)
				b[lb] = '\0';
		} else {
			fill_string(b, lb);
		}
		EXPECT(sign(skiff_strcmp(a, b)) == sign(strcmp(a, b)), "strcmp(\"%s\", \"%s\")", a,
		       b);
		size_t n = rng_below(10);

		EXPECT(sign(skiff_strncmp(a, b, n)) == sign(strncmp(a, b, n)),
		       "strncmp(\"%s\", \"%s\", %zu)", a, b, n);
		EXPECT(sign(skiff_strncmp(a, b, SIZE_MAX)) == sign(strncmp(a, b, SIZE_MAX)),
		       "strncmp(\"%s\", \"%s\", SIZE_MAX)", a, b);
	}

	assert_int_equal(skiff_strcmp("", ""), 0);
	assert_true(skiff_strcmp("\x80", "a") > 0);
	assert_true(skiff_strcmp("ab", "abc") < 0);
	assert_true(skiff_strncmp("abX", "abY", 2) == 0);
	assert_true(skiff_strncmp("abX", "abY", 3) < 0);
	assert_int_equal(skiff_strncmp("a", "b", 0), 0);
}

static void test_strchr_strrchr(void **state)
{
	static const int needles[] = { 'a', 'b', 'z', 0x80, 0xff, '\0', 'a' + 256, -1, -128, 'q' };
	_Alignas(16) char buf[BUF_SIZE];

	(void)state;
	for (size_t off = 0; off < ALIGNS; off++) {
		for (size_t len = 0; len <= MAXLEN; len++) {
			fill_string(buf + off, len);
			for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
				EXPECT(skiff_strchr(buf + off, needles[k]) ==
					       strchr(buf + off, needles[k]),
				       "strchr: +%zu len %zu c %d", off, len, needles[k]);
				EXPECT(skiff_strrchr(buf + off, needles[k]) ==
					       strrchr(buf + off, needles[k]),
				       "strrchr: +%zu len %zu c %d", off, len, needles[k]);
			}
		}
	}

	const char *s = "a/b/c";

	assert_ptr_equal(skiff_strchr(s, '/'), s + 1);
	assert_ptr_equal(skiff_strrchr(s, '/'), s + 3);
	assert_ptr_equal(skiff_strchr(s, '\0'), s + 5);
	assert_ptr_equal(skiff_strrchr(s, '\0'), s + 5);
	assert_null(skiff_strchr(s, 'x'));
	assert_null(skiff_strrchr("", 'x'));
}

static void test_strtoul_vs_libc(void **state)
{
	static const char *const inputs[] = {
		"",
		"   ",
		"0",
		"00",
		"1",
		"42",
		"  -12",
		"\t\n\v\f\r 42",
		"+7",
		"-0",
		"+",
		"-",
		"- 5",
		"+-5",
		"--5",
		"0x",
		"0X",
		"0xg",
		" 0x",
		"-0x",
		"0x1F",
		"0X1f",
		"0xabcdefABCDEF",
		"-0x10",
		"x10",
		"010",
		"0777",
		"08",
		"019",
		"0b101",
		"101",
		"12abc",
		"abc",
		"zZ",
		"Z",
		"4294967295",
		"4294967296",
		"9223372036854775807",
		"9223372036854775808",
		"18446744073709551615",
		"18446744073709551616",
		"99999999999999999999999",
		"99999999999999999999999xyz",
		"-1",
		"-18446744073709551615",
		"-18446744073709551616",
		"-99999999999999999999999",
		"0xFFFFFFFFFFFFFFFF",
		"0x10000000000000000",
		"0x00000000000000000000000000000001",
		"01777777777777777777777",
		"02000000000000000000000",
		"1111111111111111111111111111111111111111111111111111111111111111",
		"11111111111111111111111111111111111111111111111111111111111111111",
		"3w5e11264sgsf",
		"3w5e11264sgsg",
		"123 456",
		"\x80"
		"1",
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36 };

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			const char *s = inputs[i];
			char *want_end = NULL;
			char *got_end = NULL;
			unsigned long want = strtoul(s, &want_end, bases[b]);
			unsigned long got = skiff_strtoul(s, &got_end, bases[b]);

			EXPECT(got == want, "strtoul(\"%s\", %d) = %lu, libc %lu", s, bases[b], got,
			       want);
			EXPECT(got_end == want_end, "strtoul(\"%s\", %d) end +%td, libc +%td", s,
			       bases[b], got_end - s, want_end - s);
			EXPECT(skiff_strtoul(s, NULL, bases[b]) == want,
			       "strtoul(\"%s\", %d, NULL)", s, bases[b]);
		}
	}
}

/* Spelled out, so the test says what the edge cases are, not only that libc agrees. */
static void test_strtoul_edges(void **state)
{
	char *end;
	const char *s;

	(void)state;
	s = "0x";
	assert_int_equal(skiff_strtoul(s, &end, 16), 0);
	assert_ptr_equal(end, s + 1);
	assert_int_equal(skiff_strtoul(s, &end, 0), 0);
	assert_ptr_equal(end, s + 1);

	s = "  -12";
	assert_int_equal(skiff_strtoul(s, &end, 10), -12UL);
	assert_ptr_equal(end, s + 5);

	s = "0755";
	assert_int_equal(skiff_strtoul(s, &end, 0), 0755);
	assert_ptr_equal(end, s + 4);

	s = "0x1000 ";
	assert_int_equal(skiff_strtoul(s, &end, 0), 0x1000);
	assert_ptr_equal(end, s + 6);

	s = "   ";
	assert_int_equal(skiff_strtoul(s, &end, 0), 0);
	assert_ptr_equal(end, s);

	s = "18446744073709551616";
	assert_int_equal(skiff_strtoul(s, &end, 10), ~0UL);
	assert_ptr_equal(end, s + 20);

	s = "-99999999999999999999";
	assert_int_equal(skiff_strtoul(s, &end, 10), ~0UL);
	assert_ptr_equal(end, s + 21);

	/* Invalid bases: 0, nothing consumed (libc also sets errno, which skiff has not). */
	s = "123";
	assert_int_equal(skiff_strtoul(s, &end, 1), 0);
	assert_ptr_equal(end, s);
	assert_int_equal(skiff_strtoul(s, &end, 37), 0);
	assert_ptr_equal(end, s);
	assert_int_equal(skiff_strtoul(s, &end, -1), 0);
	assert_ptr_equal(end, s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_memcpy_alignments, rng_seed),
		cmocka_unit_test_setup(test_memcpy_large, rng_seed),
		cmocka_unit_test_setup(test_memmove_overlap, rng_seed),
		cmocka_unit_test_setup(test_memmove_large, rng_seed),
		cmocka_unit_test_setup(test_memset, rng_seed),
		cmocka_unit_test_setup(test_memcmp, rng_seed),
		cmocka_unit_test_setup(test_memchr, rng_seed),
		cmocka_unit_test_setup(test_strlen_strnlen, rng_seed),
		cmocka_unit_test_setup(test_strcmp_strncmp, rng_seed),
		cmocka_unit_test_setup(test_strchr_strrchr, rng_seed),
		cmocka_unit_test(test_strtoul_vs_libc),
		cmocka_unit_test(test_strtoul_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
