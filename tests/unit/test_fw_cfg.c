/*
 * test_fw_cfg.c - host tests of drivers/fw_cfg.c against a fake fw_cfg device that implements
 * struct fw_cfg_io: an item table, the selector and data register, and a DMA engine that
 * decodes big-endian descriptors at host pointers. Models QEMU: reads past an item's end
 * (or of an unknown key) give zeros; ERROR only for control bits it does not support or when
 * a test forces it. Touches no real hardware.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/fw_cfg.h"

#define FAKE_MAX_ITEMS 32
#define FAKE_MAX_FILES 8
#define FAKE_LOG_MAX 64
#define FAKE_ITEM_NONE (-1)

#define KEY_TEST_LE32 0x0042 /* an arbitrary little-endian integer item */
#define KEY_FILE_BASE 0x0020

#define KERNEL_LEN (1024 * 1024)
#define INITRD_LEN 4097
#define CMDLINE "console=ttyAMA0 root=/dev/vda rw"

/* 56 characters, no room for a NUL. */
#define LONG_NAME "opt/skiff/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct fake_item {
	uint16_t key;
	const uint8_t *data;
	size_t len;
};

struct fake_file {
	const char *name;
	uint16_t key;
	size_t len;
};

/* Directory order matters: the ".bak" sibling precedes the name it extends. */
static const struct fake_file fake_files[] = {
	{ "etc/table-loader", KEY_FILE_BASE + 0, 128 },
	{ "opt/skiff/config.dtb.bak", KEY_FILE_BASE + 1, 300 },
	{ "opt/skiff/config.dtb", KEY_FILE_BASE + 2, 1000 },
	{ LONG_NAME, KEY_FILE_BASE + 3, 17 },
	{ "etc/boot-menu-wait", KEY_FILE_BASE + 4, 2 },
};

#define NFILES (sizeof(fake_files) / sizeof(fake_files[0]))

struct fake_desc {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};

struct fake_dev {
	struct fake_item items[FAKE_MAX_ITEMS];
	unsigned int nitems;
	int cur; /* index into items, or FAKE_ITEM_NONE */
	size_t off;

	/* what the driver did */
	unsigned int selects, data_reads, kicks, addr_calls;
	struct fake_desc log[FAKE_LOG_MAX]; /* descriptors as decoded, in kick order */

	/* fault injection */
	bool fail_dma;		   /* every descriptor ends with ERROR */
	unsigned int fail_at_kick; /* this kick (1-based) and later ones end with ERROR; 0: none */
	bool never_complete;	   /* control is left as written */

	/* backing store for the items */
	uint8_t sig[4], id[4], kernel_size[4], initrd_size[4], cmdline_size[4], le32[4];
	uint8_t *kernel, *initrd, *files[FAKE_MAX_FILES];
	uint8_t dir[4 + FAKE_MAX_FILES * FW_CFG_DIR_ENTRY_SIZE];

	struct fw_cfg_io io;
	struct fw_cfg fc;
};

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint64_t be64(uint64_t v)
{
	return __builtin_bswap64(v);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* ---- the fake device ---- */

static void fake_select_key(struct fake_dev *d, uint16_t key)
{
	unsigned int i;

	d->cur = FAKE_ITEM_NONE;
	d->off = 0;
	for (i = 0; i < d->nitems; i++) {
		if (d->items[i].key == key) {
			d->cur = (int)i;
			return;
		}
	}
}

static uint8_t fake_byte(struct fake_dev *d, size_t off)
{
	const struct fake_item *it;

	if (d->cur == FAKE_ITEM_NONE)
		return 0;
	it = &d->items[d->cur];
	return off < it->len ? it->data[off] : 0;
}

static void fake_io_select(void *ctx, uint16_t key)
{
	struct fake_dev *d = ctx;

	d->selects++;
	fake_select_key(d, key);
}

static uint8_t fake_io_read_data8(void *ctx)
{
	struct fake_dev *d = ctx;

	d->data_reads++;
	return fake_byte(d, d->off++);
}

static void fake_io_dma_kick(void *ctx, uint64_t desc_addr)
{
	struct fake_dev *d = ctx;
	struct fw_cfg_dma_access *desc = (void *)(uintptr_t)desc_addr;
	uint32_t control = be32(desc->control);
	uint32_t len = be32(desc->length);
	uint8_t *buf = (void *)(uintptr_t)be64(desc->address);
	uint32_t ops = control & 0xffff;

	if (d->kicks < FAKE_LOG_MAX) {
		d->log[d->kicks].control = control;
		d->log[d->kicks].length = len;
		d->log[d->kicks].address = (uintptr_t)buf;
	}
	d->kicks++;
	if (d->never_complete)
		return;
	if (d->fail_dma || (d->fail_at_kick && d->kicks >= d->fail_at_kick) ||
	    (ops &
	     ~(uint32_t)(FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_SKIP | FW_CFG_DMA_CTL_SELECT))) {
		desc->control = be32(FW_CFG_DMA_CTL_ERROR);
		return;
	}
	if (control & FW_CFG_DMA_CTL_SELECT)
		fake_select_key(d, control >> FW_CFG_DMA_CTL_KEY_SHIFT);
	if (control & FW_CFG_DMA_CTL_READ) {
		for (uint32_t i = 0; i < len; i++)
			buf[i] = fake_byte(d, d->off + i);
		d->off += len;
	} else if (control & FW_CFG_DMA_CTL_SKIP) {
		d->off += len;
	}
	desc->control = 0;
}

static uint64_t fake_io_dma_addr(void *ctx, const void *ptr)
{
	struct fake_dev *d = ctx;

	d->addr_calls++;
	return (uint64_t)(uintptr_t)ptr;
}

static void fake_add(struct fake_dev *d, uint16_t key, const uint8_t *data, size_t len)
{
	assert_true(d->nitems < FAKE_MAX_ITEMS);
	d->items[d->nitems++] = (struct fake_item){ key, data, len };
}

static struct fake_item *fake_find_item(struct fake_dev *d, uint16_t key)
{
	unsigned int i;

	for (i = 0; i < d->nitems; i++) {
		if (d->items[i].key == key)
			return &d->items[i];
	}
	return NULL;
}

static uint8_t pattern(size_t i, uint16_t key)
{
	return (uint8_t)(i * 31 + (i >> 8) * 7 + key);
}

static struct fake_dev *fake_new(const char *sig, uint32_t features)
{
	struct fake_dev *d = calloc(1, sizeof(*d));
	unsigned int i;
	size_t j;

	assert_non_null(d);
	d->cur = FAKE_ITEM_NONE;
	memcpy(d->sig, sig, 4);
	put_le32(d->id, features);
	put_le32(d->kernel_size, KERNEL_LEN);
	put_le32(d->initrd_size, INITRD_LEN);
	put_le32(d->cmdline_size, sizeof(CMDLINE));
	put_le32(d->le32, 0x12345678);

	d->kernel = malloc(KERNEL_LEN);
	d->initrd = malloc(INITRD_LEN);
	assert_non_null(d->kernel);
	assert_non_null(d->initrd);
	for (j = 0; j < KERNEL_LEN; j++)
		d->kernel[j] = pattern(j, FW_CFG_KERNEL_DATA);
	for (j = 0; j < INITRD_LEN; j++)
		d->initrd[j] = pattern(j, FW_CFG_INITRD_DATA);

	put_be32(d->dir, NFILES);
	for (i = 0; i < NFILES; i++) {
		uint8_t *e = d->dir + 4 + i * FW_CFG_DIR_ENTRY_SIZE;
		size_t n = strlen(fake_files[i].name);

		put_be32(e, fake_files[i].len);
		e[4] = fake_files[i].key >> 8;
		e[5] = fake_files[i].key & 0xff;
		e[6] = 0xa5; /* reserved: the driver must ignore it */
		e[7] = 0x5a;
		memcpy(e + 8, fake_files[i].name, n < FW_CFG_NAME_MAX ? n + 1 : FW_CFG_NAME_MAX);

		d->files[i] = malloc(fake_files[i].len);
		assert_non_null(d->files[i]);
		for (j = 0; j < fake_files[i].len; j++)
			d->files[i][j] = pattern(j, fake_files[i].key);
	}

	fake_add(d, FW_CFG_SIGNATURE, d->sig, 4);
	fake_add(d, FW_CFG_ID, d->id, 4);
	fake_add(d, FW_CFG_KERNEL_SIZE, d->kernel_size, 4);
	fake_add(d, FW_CFG_INITRD_SIZE, d->initrd_size, 4);
	fake_add(d, FW_CFG_KERNEL_DATA, d->kernel, KERNEL_LEN);
	fake_add(d, FW_CFG_INITRD_DATA, d->initrd, INITRD_LEN);
	fake_add(d, FW_CFG_CMDLINE_SIZE, d->cmdline_size, 4);
	fake_add(d, FW_CFG_CMDLINE_DATA, (const uint8_t *)CMDLINE, sizeof(CMDLINE));
	fake_add(d, FW_CFG_FILE_DIR, d->dir, 4 + NFILES * FW_CFG_DIR_ENTRY_SIZE);
	fake_add(d, KEY_TEST_LE32, d->le32, 4);
	for (i = 0; i < NFILES; i++)
		fake_add(d, fake_files[i].key, d->files[i], fake_files[i].len);

	d->io = (struct fw_cfg_io){
		.select = fake_io_select,
		.read_data8 = fake_io_read_data8,
		.dma_kick = fake_io_dma_kick,
		.dma_addr = fake_io_dma_addr,
		.ctx = d,
	};
	return d;
}

static void fake_free(struct fake_dev *d)
{
	unsigned int i;

	for (i = 0; i < NFILES; i++)
		free(d->files[i]);
	free(d->kernel);
	free(d->initrd);
	free(d);
}

static void fake_reset_counters(struct fake_dev *d)
{
	d->selects = 0;
	d->data_reads = 0;
	d->kicks = 0;
	d->addr_calls = 0;
}

/* A fake with the given features, initialised: the state every test starts from. */
static struct fake_dev *fake_ready(uint32_t features)
{
	struct fake_dev *d = fake_new("QEMU", features);

	assert_int_equal(fw_cfg_init(&d->fc, &d->io), 0);
	fake_reset_counters(d);
	return d;
}

static int setup_dma(void **state)
{
	*state = fake_ready(FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	return 0;
}

static int setup_pio(void **state)
{
	*state = fake_ready(FW_CFG_VERSION);
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/* ---- init ---- */

static void test_init_bad_signature(void **state)
{
	static const char *const bad[] = { "XEMU", "qemu", "QEM\0", "\0\0\0\0" };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake_dev *d = fake_new(bad[i], FW_CFG_VERSION | FW_CFG_VERSION_DMA);

		assert_int_equal(fw_cfg_init(&d->fc, &d->io), FW_CFG_ERR_NODEV);
		assert_false(d->fc.dma);
		assert_int_equal(d->kicks, 0);
		fake_free(d);
	}
}

static void test_init_no_device(void **state)
{
	struct fake_dev *d = fake_new("QEMU", FW_CFG_VERSION);

	(void)state;
	d->nitems = 0; /* every read gives zeros, as an absent item does */
	assert_int_equal(fw_cfg_init(&d->fc, &d->io), FW_CFG_ERR_NODEV);
	fake_free(d);
}

static void test_init_features(void **state)
{
	struct fake_dev *d;

	(void)state;
	d = fake_new("QEMU", FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	assert_int_equal(fw_cfg_init(&d->fc, &d->io), 0);
	assert_true(d->fc.dma);
	assert_ptr_equal(d->fc.io, &d->io);
	/* init itself uses only the data register */
	assert_int_equal(d->kicks, 0);
	assert_int_equal(d->selects, 2);
	assert_int_equal(d->data_reads, 8);
	fake_free(d);

	d = fake_new("QEMU", FW_CFG_VERSION);
	assert_int_equal(fw_cfg_init(&d->fc, &d->io), 0);
	assert_false(d->fc.dma);
	fake_free(d);

	/* DMA bit set but the io cannot kick: stay on the data register */
	d = fake_new("QEMU", FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	d->io.dma_kick = NULL;
	assert_int_equal(fw_cfg_init(&d->fc, &d->io), 0);
	assert_false(d->fc.dma);
	fake_free(d);

	/* feature bits are little-endian: a big-endian 2 must not read as DMA */
	d = fake_new("QEMU", 0);
	d->id[0] = 0;
	d->id[3] = FW_CFG_VERSION_DMA;
	assert_int_equal(fw_cfg_init(&d->fc, &d->io), 0);
	assert_false(d->fc.dma);
	fake_free(d);
}

/* ---- reads (each runs with and without DMA) ---- */

static void test_read_u32_little_endian(void **state)
{
	struct fake_dev *d = *state;

	assert_int_equal(fw_cfg_read_u32(&d->fc, KEY_TEST_LE32), 0x12345678);
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE), KERNEL_LEN);
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_INITRD_SIZE), INITRD_LEN);
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_CMDLINE_SIZE), sizeof(CMDLINE));
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_ID),
			 d->fc.dma ? FW_CFG_VERSION | FW_CFG_VERSION_DMA : FW_CFG_VERSION);
	/* unknown item reads as zeros */
	assert_int_equal(fw_cfg_read_u32(&d->fc, 0x3fff), 0);
}

static void test_read_items(void **state)
{
	struct fake_dev *d = *state;
	char cmdline[sizeof(CMDLINE)];
	uint8_t buf[16];
	unsigned int i;

	memset(cmdline, 0xff, sizeof(cmdline));
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_CMDLINE_DATA, cmdline, sizeof(cmdline)), 0);
	assert_string_equal(cmdline, CMDLINE);

	/* a partial read starts at the item's start, every time */
	for (i = 0; i < 2; i++) {
		memset(buf, 0xff, sizeof(buf));
		assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_INITRD_DATA, buf, 5), 0);
		assert_memory_equal(buf, d->initrd, 5);
		assert_int_equal(buf[5], 0xff);
	}

	/* past the end reads as zeros (QEMU), which is not an error */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(fw_cfg_read(&d->fc, KEY_FILE_BASE + 4, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, d->files[4], 2);
	for (i = 2; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);

	/* an unknown key reads as zeros */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(fw_cfg_read(&d->fc, 0x3fff, buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);

	/* zero length is fine and writes nothing */
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_KERNEL_DATA, NULL, 0), 0);
}

static void test_read_large(void **state)
{
	struct fake_dev *d = *state;
	uint32_t size = fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE);
	uint8_t *buf = malloc(size + 1);

	assert_int_equal(size, KERNEL_LEN);
	assert_non_null(buf);
	buf[size] = 0xee;
	fake_reset_counters(d);
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_KERNEL_DATA, buf, size), 0);
	assert_memory_equal(buf, d->kernel, size);
	assert_int_equal(buf[size], 0xee);
	if (d->fc.dma) {
		assert_int_equal(d->kicks, 1);
		assert_int_equal(d->data_reads, 0);
	} else {
		assert_int_equal(d->kicks, 0);
		assert_int_equal(d->data_reads, KERNEL_LEN);
	}
	free(buf);
}

/* ---- the file directory ---- */

static void check_entry(const struct fw_cfg_file *f, unsigned int i)
{
	assert_int_equal(f->size, fake_files[i].len);
	assert_int_equal(f->select, fake_files[i].key);
	if (strlen(fake_files[i].name) < FW_CFG_NAME_MAX)
		assert_string_equal(f->name, fake_files[i].name);
	else
		assert_int_equal(strlen(f->name), FW_CFG_NAME_MAX - 1);
}

static void test_dir_entries(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;
	uint32_t count = 0;
	unsigned int i;

	assert_int_equal(fw_cfg_file_count(&d->fc, &count), 0);
	assert_int_equal(count, NFILES);
	for (i = 0; i < NFILES; i++) {
		memset(&f, 0xff, sizeof(f));
		assert_int_equal(fw_cfg_file_at(&d->fc, i, &f), 0);
		check_entry(&f, i);
	}
	/* in reverse too: each lookup starts from the directory's start */
	for (i = NFILES; i-- > 0;) {
		assert_int_equal(fw_cfg_file_at(&d->fc, i, &f), 0);
		check_entry(&f, i);
	}
}

static void test_dir_long_name_terminated(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;

	assert_int_equal(strlen(LONG_NAME), FW_CFG_NAME_MAX);
	memset(&f, 0xff, sizeof(f));
	assert_int_equal(fw_cfg_file_at(&d->fc, 3, &f), 0);
	assert_int_equal(f.name[FW_CFG_NAME_MAX - 1], '\0');
	assert_int_equal(strncmp(f.name, LONG_NAME, FW_CFG_NAME_MAX - 1), 0);
	assert_int_equal(f.select, KEY_FILE_BASE + 3);
}

static void test_dir_out_of_range(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;

	memset(&f, 0x11, sizeof(f));
	assert_int_equal(fw_cfg_file_at(&d->fc, NFILES, &f), FW_CFG_ERR_RANGE);
	assert_int_equal(fw_cfg_file_at(&d->fc, NFILES + 1, &f), FW_CFG_ERR_RANGE);
	assert_int_equal(fw_cfg_file_at(&d->fc, UINT32_MAX, &f), FW_CFG_ERR_RANGE);
	assert_int_equal(f.size, 0x11111111); /* untouched */
}

static void test_dir_empty(void **state)
{
	struct fake_dev *d = *state;
	struct fake_item *dir = fake_find_item(d, FW_CFG_FILE_DIR);
	struct fw_cfg_file f;
	uint32_t count = 1;

	/* no directory item at all: the count reads as zero */
	dir->key = 0x3ffe;
	assert_int_equal(fw_cfg_file_count(&d->fc, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(fw_cfg_file_at(&d->fc, 0, &f), FW_CFG_ERR_RANGE);
	assert_int_equal(fw_cfg_find(&d->fc, "etc/table-loader", &f), FW_CFG_ERR_NOENT);
}

static void test_find(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;
	char name[FW_CFG_NAME_MAX + 1];
	unsigned int i;

	for (i = 0; i < NFILES; i++) {
		if (strlen(fake_files[i].name) >= FW_CFG_NAME_MAX)
			continue;
		memset(&f, 0xff, sizeof(f));
		assert_int_equal(fw_cfg_find(&d->fc, fake_files[i].name, &f), 0);
		check_entry(&f, i);
	}

	/* exact, not the longer sibling listed before it */
	assert_int_equal(fw_cfg_find(&d->fc, "opt/skiff/config.dtb", &f), 0);
	assert_int_equal(f.select, KEY_FILE_BASE + 2);

	/* misses, including prefixes and extensions of names that exist */
	memset(&f, 0x22, sizeof(f));
	assert_int_equal(fw_cfg_find(&d->fc, "opt/skiff/none", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(fw_cfg_find(&d->fc, "opt/skiff/config", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(fw_cfg_find(&d->fc, "opt/skiff/config.dt", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(fw_cfg_find(&d->fc, "etc/table-loader2", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(fw_cfg_find(&d->fc, "", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(f.size, 0x22222222); /* untouched on a miss */

	/* the unterminated 56-byte name matches neither itself nor its 55-byte prefix */
	assert_int_equal(fw_cfg_find(&d->fc, LONG_NAME, &f), FW_CFG_ERR_NOENT);
	memcpy(name, LONG_NAME, FW_CFG_NAME_MAX - 1);
	name[FW_CFG_NAME_MAX - 1] = '\0';
	assert_int_equal(fw_cfg_find(&d->fc, name, &f), FW_CFG_ERR_NOENT);
}

/* ---- DMA and data-register paths agree ---- */

struct api_results {
	uint32_t kernel_size, initrd_size, cmdline_size, le32, unknown_u32;
	char cmdline[sizeof(CMDLINE)];
	uint8_t initrd[INITRD_LEN + 8]; /* past the end too */
	uint8_t file[NFILES][64];
	uint32_t count;
	int at_ret[NFILES + 1];
	struct fw_cfg_file at[NFILES + 1];
	int find_ret[NFILES + 3];
	struct fw_cfg_file found[NFILES + 3];
};

static void collect(struct fake_dev *d, struct api_results *r)
{
	static const char *const extra[] = { "opt/skiff/config", "nope", LONG_NAME };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->kernel_size = fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE);
	r->initrd_size = fw_cfg_read_u32(&d->fc, FW_CFG_INITRD_SIZE);
	r->cmdline_size = fw_cfg_read_u32(&d->fc, FW_CFG_CMDLINE_SIZE);
	r->le32 = fw_cfg_read_u32(&d->fc, KEY_TEST_LE32);
	r->unknown_u32 = fw_cfg_read_u32(&d->fc, 0x3fff);
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_CMDLINE_DATA, r->cmdline, sizeof(r->cmdline)),
			 0);
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_INITRD_DATA, r->initrd, sizeof(r->initrd)), 0);
	for (i = 0; i < NFILES; i++)
		assert_int_equal(fw_cfg_read(&d->fc, fake_files[i].key, r->file[i], 64), 0);
	assert_int_equal(fw_cfg_file_count(&d->fc, &r->count), 0);
	for (i = 0; i <= NFILES; i++)
		r->at_ret[i] = fw_cfg_file_at(&d->fc, i, &r->at[i]);
	for (i = 0; i < NFILES + 3; i++) {
		const char *name = i < NFILES ? fake_files[i].name : extra[i - NFILES];

		r->find_ret[i] = fw_cfg_find(&d->fc, name, &r->found[i]);
	}
}

static void test_dma_and_pio_agree(void **state)
{
	struct fake_dev *dma = fake_ready(FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	struct fake_dev *pio = fake_ready(FW_CFG_VERSION);
	struct api_results *a = malloc(sizeof(*a));
	struct api_results *b = malloc(sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_true(dma->fc.dma);
	assert_false(pio->fc.dma);
	collect(dma, a);
	collect(pio, b);
	assert_memory_equal(a, b, sizeof(*a));
	assert_true(dma->kicks > 0);
	assert_int_equal(dma->data_reads, 0);
	assert_int_equal(pio->kicks, 0);

	/* and the results are the right ones */
	assert_int_equal(a->count, NFILES);
	assert_int_equal(a->at_ret[NFILES], FW_CFG_ERR_RANGE);
	assert_int_equal(a->find_ret[NFILES], FW_CFG_ERR_NOENT);
	assert_int_equal(a->find_ret[NFILES + 2], FW_CFG_ERR_NOENT);
	assert_memory_equal(a->initrd, dma->initrd, INITRD_LEN);
	assert_int_equal(a->initrd[INITRD_LEN], 0);
	free(a);
	free(b);
	fake_free(dma);
	fake_free(pio);
}

/* ---- which interface is used, and the descriptors ---- */

static void test_dma_used_when_available(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;
	uint8_t buf[8];
	uint32_t count;

	assert_true(d->fc.dma);

	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_INITRD_DATA, buf, sizeof(buf)), 0);
	assert_int_equal(d->kicks, 1);
	assert_int_equal(d->log[0].control,
			 FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ |
				 (uint32_t)FW_CFG_INITRD_DATA << FW_CFG_DMA_CTL_KEY_SHIFT);
	assert_int_equal(d->log[0].length, sizeof(buf));
	assert_int_equal(d->log[0].address, (uintptr_t)buf);

	fake_reset_counters(d);
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE), KERNEL_LEN);
	assert_int_equal(d->kicks, 1);

	fake_reset_counters(d);
	assert_int_equal(fw_cfg_file_count(&d->fc, &count), 0);
	assert_int_equal(d->kicks, 1);

	/* file_at: select + read the count, skip to the entry, read it */
	fake_reset_counters(d);
	assert_int_equal(fw_cfg_file_at(&d->fc, 3, &f), 0);
	assert_int_equal(d->kicks, 3);
	assert_int_equal(d->log[0].control,
			 FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ |
				 (uint32_t)FW_CFG_FILE_DIR << FW_CFG_DMA_CTL_KEY_SHIFT);
	assert_int_equal(d->log[0].length, 4);
	assert_int_equal(d->log[1].control, FW_CFG_DMA_CTL_SKIP);
	assert_int_equal(d->log[1].length, 3 * FW_CFG_DIR_ENTRY_SIZE);
	assert_int_equal(d->log[2].control, FW_CFG_DMA_CTL_READ);
	assert_int_equal(d->log[2].length, FW_CFG_DIR_ENTRY_SIZE);

	/* find: the count, then one read per entry up to the match */
	fake_reset_counters(d);
	assert_int_equal(fw_cfg_find(&d->fc, "opt/skiff/config.dtb", &f), 0);
	assert_int_equal(d->kicks, 1 + 3);
	fake_reset_counters(d);
	assert_int_equal(fw_cfg_find(&d->fc, "missing", &f), FW_CFG_ERR_NOENT);
	assert_int_equal(d->kicks, 1 + NFILES);

	/* never once the data register or a plain selector write */
	assert_int_equal(d->data_reads, 0);
	assert_int_equal(d->selects, 0);
}

static void test_pio_never_dma(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;
	uint8_t buf[8];
	uint32_t count;

	assert_false(d->fc.dma);
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_INITRD_DATA, buf, sizeof(buf)), 0);
	assert_int_equal(d->selects, 1);
	assert_int_equal(d->data_reads, sizeof(buf));
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE), KERNEL_LEN);
	assert_int_equal(fw_cfg_file_count(&d->fc, &count), 0);

	fake_reset_counters(d);
	assert_int_equal(fw_cfg_file_at(&d->fc, 2, &f), 0);
	assert_int_equal(d->selects, 1);
	assert_int_equal(d->data_reads, 4 + 3 * FW_CFG_DIR_ENTRY_SIZE);

	assert_int_equal(fw_cfg_find(&d->fc, "etc/boot-menu-wait", &f), 0);
	assert_int_equal(fw_cfg_file_at(&d->fc, 99, &f), FW_CFG_ERR_RANGE);
	assert_int_equal(d->kicks, 0);
	assert_int_equal(d->addr_calls, 0);
}

/* ---- DMA failures ---- */

static void test_dma_error(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;
	uint8_t buf[8];
	uint32_t count = 77;

	d->fail_dma = true;
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_CMDLINE_DATA, buf, sizeof(buf)), FW_CFG_ERR_IO);
	assert_int_equal(fw_cfg_read_u32(&d->fc, FW_CFG_KERNEL_SIZE), 0);
	assert_int_equal(fw_cfg_file_count(&d->fc, &count), FW_CFG_ERR_IO);
	assert_int_equal(count, 77);
	assert_int_equal(fw_cfg_file_at(&d->fc, 0, &f), FW_CFG_ERR_IO);
	assert_int_equal(fw_cfg_find(&d->fc, "etc/table-loader", &f), FW_CFG_ERR_IO);
	assert_int_equal(d->data_reads, 0);
}

static void test_dma_error_mid_directory(void **state)
{
	struct fake_dev *d = *state;
	struct fw_cfg_file f;

	/* the count reads fine, the skip to the entry fails */
	memset(&f, 0x33, sizeof(f));
	d->fail_at_kick = 2;
	assert_int_equal(fw_cfg_file_at(&d->fc, 3, &f), FW_CFG_ERR_IO);
	assert_int_equal(d->kicks, 2);

	/* the count and skip read fine, the entry fails */
	fake_reset_counters(d);
	d->fail_at_kick = 3;
	assert_int_equal(fw_cfg_file_at(&d->fc, 3, &f), FW_CFG_ERR_IO);
	assert_int_equal(d->kicks, 3);

	/* find stops at the first failed entry read */
	fake_reset_counters(d);
	d->fail_at_kick = 3;
	assert_int_equal(fw_cfg_find(&d->fc, "etc/boot-menu-wait", &f), FW_CFG_ERR_IO);
	assert_int_equal(d->kicks, 3);
	assert_int_equal(f.size, 0x33333333); /* untouched */
}

static void test_dma_never_completes(void **state)
{
	struct fake_dev *d = *state;
	uint8_t buf[4];

	d->never_complete = true;
	assert_int_equal(fw_cfg_read(&d->fc, FW_CFG_CMDLINE_DATA, buf, sizeof(buf)), FW_CFG_ERR_IO);
	assert_int_equal(d->kicks, 1);
}

/* ---- the pure parser ---- */

static void test_parse_entry(void **state)
{
	uint8_t raw[FW_CFG_DIR_ENTRY_SIZE];
	struct fw_cfg_file f;

	(void)state;
	memset(raw, 0, sizeof(raw));
	raw[0] = 0x01;
	raw[1] = 0x02;
	raw[2] = 0x03;
	raw[3] = 0x04;
	raw[4] = 0x00;
	raw[5] = 0x2a;
	raw[6] = 0xff; /* reserved */
	raw[7] = 0xff;
	memcpy(raw + 8, "etc/e820", 9);
	memset(&f, 0xff, sizeof(f));
	fw_cfg_parse_entry(raw, &f);
	assert_int_equal(f.size, 0x01020304);
	assert_int_equal(f.select, 0x002a);
	assert_string_equal(f.name, "etc/e820");

	/* 56 name bytes, no NUL: truncated to 55 and terminated */
	memset(raw + 8, 'x', FW_CFG_NAME_MAX);
	fw_cfg_parse_entry(raw, &f);
	assert_int_equal(strlen(f.name), FW_CFG_NAME_MAX - 1);
	assert_int_equal(f.name[0], 'x');
}

/* A test run against both fakes, named for each so the TAP lines differ. */
/* clang-format off */
#define TEST_ON(t, setup, what) { #t " (" what ")", t, setup, teardown, NULL }
#define BOTH(t) TEST_ON(t, setup_dma, "dma"), TEST_ON(t, setup_pio, "data register")
/* clang-format on */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_bad_signature),
		cmocka_unit_test(test_init_no_device),
		cmocka_unit_test(test_init_features),
		BOTH(test_read_u32_little_endian),
		BOTH(test_read_items),
		BOTH(test_read_large),
		BOTH(test_dir_entries),
		BOTH(test_dir_long_name_terminated),
		BOTH(test_dir_out_of_range),
		BOTH(test_dir_empty),
		BOTH(test_find),
		cmocka_unit_test(test_dma_and_pio_agree),
		cmocka_unit_test_setup_teardown(test_dma_used_when_available, setup_dma, teardown),
		cmocka_unit_test_setup_teardown(test_pio_never_dma, setup_pio, teardown),
		cmocka_unit_test_setup_teardown(test_dma_error, setup_dma, teardown),
		cmocka_unit_test_setup_teardown(test_dma_error_mid_directory, setup_dma, teardown),
		cmocka_unit_test_setup_teardown(test_dma_never_completes, setup_dma, teardown),
		cmocka_unit_test(test_parse_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
