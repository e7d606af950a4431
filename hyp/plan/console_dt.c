/*
 * console_dt.c - finds skiff's console from /chosen/stdout-path (hyp/plan/console_dt.h).
 * Never fails: whatever is missing or malformed is written into why and the console is none.
 * Reads the blob only.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include "hyp/plan/console_dt.h"
#include "hyp/plan/fdt_addr.h"
#include "hyp/plan/fdt_props.h"
#include "lib/printf.h"

#define PROP_STDOUT_PATH "stdout-path"		   /* chosen */
#define PROP_LINUX_STDOUT_PATH "linux,stdout-path" /* chosen, the older spelling */
#define PROP_COMPATIBLE "compatible"
#define PROP_REG_SHIFT "reg-shift"	 /* 8250.yaml */
#define PROP_REG_IO_WIDTH "reg-io-width" /* 8250.yaml */
#define PROP_REG_OFFSET "reg-offset"	 /* 8250.yaml */
#define PATH_CHOSEN "/chosen"
#define PATH_ALIASES "/aliases"
#define REG_SHIFT_MAX 4

/* No console: why, and false. */
static bool __attribute__((format(printf, 2, 3)))
none(struct plat_console *con, const char *fmt, ...)
{
	va_list ap;

	con->uart.kind = UART_NONE;
	va_start(ap, fmt);
	fmt_message(con->why, sizeof(con->why), NULL, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * An alias that stdout-path starts with must be a full path before libfdt follows it:
 * fdt_path_offset_namelen runs strlen over the alias's value, and follows a value that is
 * itself an alias again, without end if it names itself. false (with why) when it is not.
 */
static bool alias_ok(const void *fdt, struct plat_console *con, const char *path, int namelen)
{
	const char *slash = memchr(path, '/', (size_t)namelen);
	int aliases = fdt_path_offset(fdt, PATH_ALIASES), len;
	const char *v;

	if (aliases < 0)
		return true; /* fdt_path_offset_namelen will not find the alias either */
	if (slash)
		namelen = (int)(slash - path);
	v = fdt_getprop_namelen(fdt, aliases, path, namelen, &len);
	if (!v)
		return true;
	if (fdt_prop_is_string(v, len) && v[0] == '/')
		return true;
	return none(con, "/aliases/%.*s is not a full path", namelen, path);
}

/* A one-cell property of node: its value, or dflt when absent or malformed. */
static uint32_t u32_or(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	return v && len == (int)sizeof(*v) ? fdt32_ld(v) : dflt;
}

/* The registers of an 8250-like UART as its node describes them; false with why if not. */
static bool layout_8250(const void *fdt, int node, struct plat_console *con)
{
	struct uart *u = &con->uart;
	uint32_t shift = u32_or(fdt, node, PROP_REG_SHIFT, u->reg_shift);
	uint32_t width = u32_or(fdt, node, PROP_REG_IO_WIDTH, u->io_width);
	uint32_t offset = u32_or(fdt, node, PROP_REG_OFFSET, 0);

	if (shift > REG_SHIFT_MAX || (width != 1 && width != 4) || offset >= con->reg.size) {
		return none(con,
			    "%s: reg-shift %u, reg-io-width %u, reg-offset 0x%x: not a layout "
			    "skiff drives",
			    con->path, shift, width, offset);
	}
	u->reg_shift = (uint8_t)shift;
	u->io_width = (uint8_t)width;
	u->base = con->reg.base + offset;
	u->size = con->reg.size - offset;
	if (u->base % width)
		return none(con, "%s: registers at 0x%llx are not %u-byte aligned", con->path,
			    (unsigned long long)u->base, width);
	return true;
}

static bool find(const void *fdt, struct plat_console *con)
{
	const char *prop = PROP_STDOUT_PATH, *path, *colon, *compat;
	struct fdt_addr_err e;
	int chosen, len, namelen, ret;

	chosen = fdt_path_offset(fdt, PATH_CHOSEN);
	path = chosen >= 0 ? fdt_getprop(fdt, chosen, prop, &len) : NULL;
	if (chosen >= 0 && !path) {
		prop = PROP_LINUX_STDOUT_PATH;
		path = fdt_getprop(fdt, chosen, prop, &len);
	}
	if (!path)
		return none(con, "no stdout-path in /chosen");
	if (!fdt_prop_is_string(path, len))
		return none(con, "/chosen/%s is not a string", prop);

	/* "serial0:115200n8": an alias or a full path, then options after a ':'. */
	colon = strchr(path, ':');
	namelen = colon ? (int)(colon - path) : (int)strlen(path);
	if (namelen && path[0] != '/' && !alias_ok(fdt, con, path, namelen))
		return false;
	con->node = namelen ? fdt_path_offset_namelen(fdt, path, namelen) : -FDT_ERR_BADPATH;
	if (con->node < 0) {
		con->node = -1;
		return none(con, "/chosen/%s \"%s\" does not resolve to a node", prop, path);
	}
	if (fdt_get_path(fdt, con->node, con->path, sizeof(con->path)) < 0) {
		con->path[0] = '\0';
		return none(con, "/chosen/%s: the node's path is longer than %u bytes", prop,
			    (unsigned int)sizeof(con->path) - 1);
	}

	compat = fdt_getprop(fdt, con->node, PROP_COMPATIBLE, &len);
	uart_match(compat, compat ? len : 0, &con->uart);
	ret = fdt_addr_reg(fdt, NULL, con->node, 0, &con->reg, &e);
	if (ret <= 0) {
		con->reg.base = con->reg.size = 0;
		if (con->uart.kind == UART_OTHER)
			return none(con, "%s: no driver for compatible \"%s\", and no MMIO",
				    con->path, compat ? compat : "");
		if (!ret)
			return none(con, "%s: no reg", con->path);
		return none(con, "%s: %s", con->path, e.msg);
	}
	if (!con->reg.size)
		return none(con, "%s: reg is empty", con->path);
	if (con->uart.kind == UART_OTHER) {
		fmt_snprintf(con->why, sizeof(con->why), "%s: no driver for compatible \"%s\"",
			     con->path, compat ? compat : "");
		return false;
	}
	con->uart.base = con->reg.base;
	con->uart.size = con->reg.size;
	if (con->uart.kind == UART_8250 || con->uart.kind == UART_BCM_AUX)
		return layout_8250(fdt, con->node, con);
	if (con->uart.base % 4) /* the other drivers make 32-bit accesses */
		return none(con, "%s: registers at 0x%llx are not 4-byte aligned", con->path,
			    (unsigned long long)con->uart.base);
	return true;
}

void console_dt_find(const void *fdt, struct plat_console *con)
{
	memset(con, 0, sizeof(*con));
	con->node = -1;
	find(fdt, con);
}
