/*
 * printf.c - printf-style formatting into the caller's buffer (fmt_vsnprintf, fmt_snprintf).
 * Pure logic and freestanding: no libc, no global state, no consoles; it writes only inside
 * buf[0, size) and reads only its format and arguments.
 *
 * C99 vsnprintf semantics, with these deliberate differences from glibc:
 *  - %p prints "0x" and lowercase hex for every pointer, "0x0" for NULL (glibc: "(nil)").
 *  - %s of NULL prints "(null)", cut by a precision like any other string ("%.3s" gives "(nu";
 *    glibc prints nothing when the precision is below 6).
 *  - No floating point, %n or wide characters. An unknown conversion is copied through
 *    literally, flags and all ("%5y" prints "%5y"), and consumes no argument (a * in it
 *    does). The l modifier on %c and %s is ignored.
 *  - The 0 flag only pads integer conversions and %p (C leaves it undefined elsewhere);
 *    "%%" prints "%" whatever flags or width it carries.
 *  - Widths and precisions saturate at INT_MAX; output longer than INT_MAX returns -1
 *    (POSIX's EOVERFLOW), the buffer still filled and terminated.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/printf.h"

#define FMT_INT_MAX __INT_MAX__

/* The signed type matching size_t, for %zd, is read as ptrdiff_t. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t and ptrdiff_t differ in width");

enum fmt_flag {
	FMT_LEFT = 1 << 0,  /* - */
	FMT_ZERO = 1 << 1,  /* 0 */
	FMT_PLUS = 1 << 2,  /* + */
	FMT_SPACE = 1 << 3, /* space */
	FMT_ALT = 1 << 4,   /* # */
};

enum fmt_length {
	FMT_LEN_NONE,
	FMT_LEN_HH,
	FMT_LEN_H,
	FMT_LEN_L,
	FMT_LEN_LL,
	FMT_LEN_Z,
	FMT_LEN_T,
	FMT_LEN_J
};

/* Where output goes: len counts every character of the full output, stored or not. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

/* One parsed conversion specification. */
struct fmt_spec {
	unsigned int flags;
	size_t width;
	size_t prec;
	bool has_prec;
	enum fmt_length length;
	char conv;
};

static void out_char(struct fmt_out *out, char c)
{
	/* Keep the last byte for the terminator. */
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void out_repeat(struct fmt_out *out, char c, size_t n)
{
	while (n--)
		out_char(out, c);
}

static void out_mem(struct fmt_out *out, const char *s, size_t n)
{
	while (n--)
		out_char(out, *s++);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses a decimal number at *p, saturating at INT_MAX, and moves *p past it. */
static size_t parse_number(const char **p)
{
	size_t n = 0;

	for (; is_digit(**p); (*p)++) {
		size_t d = (size_t)(**p - '0');

		n = n > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : n * 10 + d;
	}
	return n;
}

/* strnlen, without libc: the length of s, reading at most max bytes. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Spaces up to the width for a body of body_len characters: before it, or after it with -. */
static void pad_left(struct fmt_out *out, const struct fmt_spec *spec, size_t body_len)
{
	if (!(spec->flags & FMT_LEFT) && spec->width > body_len)
		out_repeat(out, ' ', spec->width - body_len);
}

static void pad_right(struct fmt_out *out, const struct fmt_spec *spec, size_t body_len)
{
	if ((spec->flags & FMT_LEFT) && spec->width > body_len)
		out_repeat(out, ' ', spec->width - body_len);
}

/*
 * Formats an integer from its magnitude and sign: [spaces][sign or 0x][zeros][digits]
 * [spaces]. The precision is the minimum number of digits (0 with precision 0 prints no
 * digits); the 0 flag pads with zeros up to the width only when no precision is given.
 */
static void fmt_integer(struct fmt_out *out, const struct fmt_spec *spec, uintmax_t mag, bool neg)
{
	const char *set = spec->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = 10;
	char digits[sizeof(uintmax_t) * 3]; /* octal needs 22 for 64 bits */
	char prefix[2];
	size_t nprefix = 0;
	size_t ndigits = 0;
	size_t zeros;
	size_t body;
	bool nonzero = mag != 0;

	if (spec->conv == 'o')
		base = 8;
	else if (spec->conv == 'x' || spec->conv == 'X' || spec->conv == 'p')
		base = 16;

	while (mag) {
		uintmax_t quot = mag / base;

		digits[ndigits++] = set[mag - quot * base];
		mag = quot;
	}

	zeros = spec->has_prec ? spec->prec : 1;
	zeros = zeros > ndigits ? zeros - ndigits : 0;
	/* # on %o: the first digit printed is a 0. */
	if (spec->conv == 'o' && (spec->flags & FMT_ALT) && zeros == 0)
		zeros = 1;

	if (spec->conv == 'd' || spec->conv == 'i') {
		if (neg)
			prefix[nprefix++] = '-';
		else if (spec->flags & FMT_PLUS)
			prefix[nprefix++] = '+';
		else if (spec->flags & FMT_SPACE)
			prefix[nprefix++] = ' ';
	} else if (spec->conv == 'p' || ((spec->flags & FMT_ALT) && nonzero &&
					 (spec->conv == 'x' || spec->conv == 'X'))) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = spec->conv == 'X' ? 'X' : 'x';
	}

	body = nprefix + zeros + ndigits;
	if (!(spec->flags & FMT_LEFT) && (spec->flags & FMT_ZERO) && !spec->has_prec &&
	    spec->width > body) {
		zeros += spec->width - body;
		body = spec->width;
	}

	pad_left(out, spec, body);
	out_mem(out, prefix, nprefix);
	out_repeat(out, '0', zeros);
	while (ndigits)
		out_char(out, digits[--ndigits]);
	pad_right(out, spec, body);
}

static void fmt_string(struct fmt_out *out, const struct fmt_spec *spec, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = bounded_len(s, spec->has_prec ? spec->prec : SIZE_MAX);
	pad_left(out, spec, n);
	out_mem(out, s, n);
	pad_right(out, spec, n);
}

static void fmt_char(struct fmt_out *out, const struct fmt_spec *spec, char c)
{
	pad_left(out, spec, 1);
	out_char(out, c);
	pad_right(out, spec, 1);
}

/* Reads a d/i argument of the given length, converted as C says for hh and h. */
static intmax_t arg_signed(va_list *ap, enum fmt_length length)
{
	switch (length) {
	case FMT_LEN_HH:
		return (signed char)va_arg(*ap, int);
	case FMT_LEN_H:
		return (short)va_arg(*ap, int);
	case FMT_LEN_L:
		return va_arg(*ap, long);
	case FMT_LEN_LL:
		return va_arg(*ap, long long);
	case FMT_LEN_Z:
	case FMT_LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case FMT_LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Reads a u/o/x/X argument of the given length. */
static uintmax_t arg_unsigned(va_list *ap, enum fmt_length length)
{
	switch (length) {
	case FMT_LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_L:
		return va_arg(*ap, unsigned long);
	case FMT_LEN_LL:
		return va_arg(*ap, unsigned long long);
	case FMT_LEN_Z:
	case FMT_LEN_T:
		return va_arg(*ap, size_t);
	case FMT_LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Parses flags, width, precision and length at *p (just past the '%'), taking * values from
 * ap, and leaves *p on the conversion character.
 */
static void parse_spec(const char **p, va_list *ap, struct fmt_spec *spec)
{
	const char *f = *p;

	spec->flags = 0;
	for (;; f++) {
		if (*f == '-')
			spec->flags |= FMT_LEFT;
		else if (*f == '0')
			spec->flags |= FMT_ZERO;
		else if (*f == '+')
			spec->flags |= FMT_PLUS;
		else if (*f == ' ')
			spec->flags |= FMT_SPACE;
		else if (*f == '#')
			spec->flags |= FMT_ALT;
		else
			break;
	}

	spec->width = 0;
	if (*f == '*') {
		int w = va_arg(*ap, int);

		f++;
		/* A negative * width is a - flag and a positive width. */
		if (w < 0) {
			spec->flags |= FMT_LEFT;
			spec->width = w == -FMT_INT_MAX - 1 ? (size_t)FMT_INT_MAX : (size_t)-w;
		} else {
			spec->width = (size_t)w;
		}
	} else {
		spec->width = parse_number(&f);
	}

	spec->has_prec = false;
	spec->prec = 0;
	if (*f == '.') {
		f++;
		if (*f == '*') {
			int prec = va_arg(*ap, int);

			f++;
			/* A negative * precision is taken as if it were omitted. */
			if (prec >= 0) {
				spec->has_prec = true;
				spec->prec = (size_t)prec;
			}
		} else {
			spec->has_prec = true;
			spec->prec = parse_number(&f);
		}
	}

	spec->length = FMT_LEN_NONE;
	switch (*f) {
	case 'h':
		f++;
		spec->length = FMT_LEN_H;
		if (*f == 'h') {
			f++;
			spec->length = FMT_LEN_HH;
		}
		break;
	case 'l':
		f++;
		spec->length = FMT_LEN_L;
		if (*f == 'l') {
			f++;
			spec->length = FMT_LEN_LL;
		}
		break;
	case 'z':
		f++;
		spec->length = FMT_LEN_Z;
		break;
	case 't':
		f++;
		spec->length = FMT_LEN_T;
		break;
	case 'j':
		f++;
		spec->length = FMT_LEN_J;
		break;
	default:
		break;
	}

	spec->conv = *f;
	*p = f;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out out = { .buf = buf, .size = size, .len = 0 };
	struct fmt_spec spec;
	va_list args;

	/* A copy, so helpers can take its address whatever va_list is on this ABI. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		intmax_t value;

		if (*fmt != '%') {
			out_char(&out, *fmt++);
			continue;
		}

		fmt++;
		parse_spec(&fmt, &args, &spec);
		switch (spec.conv) {
		case 'd':
		case 'i':
			value = arg_signed(&args, spec.length);
			fmt_integer(&out, &spec, value < 0 ? -(uintmax_t)value : (uintmax_t)value,
				    value < 0);
			break;
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			fmt_integer(&out, &spec, arg_unsigned(&args, spec.length), false);
			break;
		case 'p':
			fmt_integer(&out, &spec, (uintptr_t)va_arg(args, void *), false);
			break;
		case 'c':
			fmt_char(&out, &spec, (char)va_arg(args, int));
			break;
		case 's':
			fmt_string(&out, &spec, va_arg(args, const char *));
			break;
		case '%':
			out_char(&out, '%');
			break;
		case '\0':
			/* The format ends inside a specification: copy what there is. */
			out_mem(&out, start, (size_t)(fmt - start));
			continue;
		default:
			out_mem(&out, start, (size_t)(fmt - start) + 1);
			break;
		}
		fmt++;
	}
	va_end(args);

	if (size > 0)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return out.len > FMT_INT_MAX ? -1 : (int)out.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void fmt_message(char *buf, size_t size, const char *where, const char *fmt, va_list ap)
{
	size_t n = 0;
	char *s;

	if (!buf || !size)
		return;
	buf[0] = '\0';
	if (where) {
		int ret = fmt_snprintf(buf, size, "%s: ", where);

		n = (ret >= 0 && (size_t)ret < size) ? (size_t)ret : size - 1;
	}
	if (n + 1 < size)
		fmt_vsnprintf(buf + n, size - n, fmt, ap);
	for (s = buf; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}
