/*
 * string.c - the libc subset the freestanding image needs: mem*, str* and strtoul. Pure
 * functions over caller memory: no allocation, no errno, no locale (the C locale's isspace),
 * no hardware. Must call no other function, in particular not the ones it defines: see
 * STRING_NO_LIBCALL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * By path rather than <string.h>: the host unit test compiles this file next to the host's
 * libc, with tests/unit/string_rename.h renaming each function here to skiff_<name>.
 */
#include "include/libc/string.h"
#include "include/libc/stdlib.h"

/*
 * GCC's loop distribution can turn a byte loop into a call to memset, memcpy or memmove:
 * inside those functions, infinite recursion. -ffreestanding stops it in the GCC we build
 * with, but not in every version, nor in the host test build (where the call would reach the
 * host's libc and the test would test the wrong code). So switch it off here explicitly.
 */
#define STRING_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/*
 * The four functions GCC may call where the source has none (to copy, zero or compare an
 * aggregate: "GCC requires the freestanding environment provide memcpy, memmove, memset and
 * memcmp"). Under -flto such a call is made after the link has seen who uses what, so a
 * function that only skiff's own code calls by name would be dropped or made local, and the
 * call left undefined: keep these four, under their names.
 */
#define STRING_LIBCALL __attribute__((used, externally_visible))

#define STRING_ULONG_MAX (~0UL)

/* A word that may alias any object, for the aligned paths of memcpy and memset. */
typedef unsigned long __attribute__((may_alias)) string_word;

#define WORD_SIZE sizeof(string_word)
#define WORD_MASK ((uintptr_t)WORD_SIZE - 1)

/*
 * Copies words only when dst and src share an alignment (the image is built with
 * -mstrict-align, so no unaligned word access), bytes otherwise.
 */
STRING_LIBCALL STRING_NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		string_word *dw;
		const string_word *sw;

		for (; n && ((uintptr_t)d & WORD_MASK); n--)
			*d++ = *s++;
		dw = (string_word *)d;
		sw = (const string_word *)s;
		for (; n >= WORD_SIZE; n -= WORD_SIZE)
			*dw++ = *sw++;
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Forward when dst is below src or past its end, else backward; byte by byte. */
STRING_LIBCALL STRING_NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d - (uintptr_t)s >= n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

STRING_LIBCALL STRING_NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char byte = (unsigned char)c;
	string_word word = byte;
	string_word *dw;

	word |= word << 8;
	word |= word << 16;
	word |= word << 16 << 16; /* two shifts: no warning where a word is 32 bits */

	for (; n && ((uintptr_t)d & WORD_MASK); n--)
		*d++ = byte;
	dw = (string_word *)d;
	for (; n >= WORD_SIZE; n -= WORD_SIZE)
		*dw++ = word;
	d = (unsigned char *)dw;
	while (n--)
		*d++ = byte;
	return dst;
}

STRING_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

STRING_NO_LIBCALL void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

STRING_NO_LIBCALL size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

STRING_NO_LIBCALL size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Characters compare as unsigned char, as C says. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y || !*x)
			return *x - *y;
	}
	return 0;
}

/* c is converted to char; searching for '\0' finds the terminator. */
STRING_NO_LIBCALL char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

STRING_NO_LIBCALL char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of c as a digit in bases up to 36, or 36 if it is none. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned int)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned int)(c - 'A') + 10;
	return 36;
}

/*
 * C's strtoul without errno: leading white space, an optional sign (a minus negates the
 * result in unsigned arithmetic), then digits in base 2..36; base 0 takes 0x/0X as hex, a
 * leading 0 as octal and decimal otherwise, base 16 allows 0x/0X. An out-of-range value
 * gives ULONG_MAX (whatever the sign), with *end past all its digits. No digits, or an
 * invalid base, gives 0 with *end = s. A "0x" not followed by a hex digit parses as "0".
 */
unsigned long strtoul(const char *s, char **end, int base)
{
	const char *p = s;
	const char *digits;
	unsigned long value = 0;
	bool overflow = false;
	bool neg = false;

	if (base < 0 || base == 1 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}

	while (is_space(*p))
		p++;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}

	for (digits = p; digit_value(*p) < (unsigned int)base; p++) {
		unsigned long d = digit_value(*p);

		if (value > (STRING_ULONG_MAX - d) / (unsigned long)base)
			overflow = true;
		else
			value = value * (unsigned long)base + d;
	}

	if (p == digits) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	if (end)
		*end = (char *)p;
	if (overflow)
		return STRING_ULONG_MAX;
	return neg ? -value : value;
}
