/*
 * fw_cfg.c - QEMU fw_cfg reader: signature and feature check, reading items through DMA
 * descriptors when the device offers them, else the selector and data register, and the
 * file directory. Talks to the device only through struct fw_cfg_io; touches no MMIO,
 * barrier instruction or address translation itself (drivers/fw_cfg_mmio.c does).
 */
#include "drivers/fw_cfg.h"

#include <string.h>

/* Polls of the DMA control word before giving up. QEMU completes a transfer before the
 * kicking store retires, so the first poll normally sees it done. */
#define FW_CFG_DMA_POLL_MAX 1000000u
/* Largest length put in one descriptor (the field is 32 bits). */
#define FW_CFG_DMA_CHUNK_MAX 0x40000000u

#define FW_CFG_SIG_SIZE 4

/* Field offsets in a raw directory entry. */
#define FW_CFG_DIR_SIZE_OFF 0
#define FW_CFG_DIR_SELECT_OFF 4
#define FW_CFG_DIR_NAME_OFF 8

static const char fw_cfg_signature[FW_CFG_SIG_SIZE] = { 'Q', 'E', 'M', 'U' };

/* Compiler barrier: the device reads the descriptor and writes the buffer behind the
 * compiler's back; the io's dma_kick issues the real barrier instruction. */
#define fw_cfg_barrier() __asm__ __volatile__("" ::: "memory")

static uint32_t fw_cfg_cpu_to_be32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static uint64_t fw_cfg_cpu_to_be64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

static uint32_t fw_cfg_be32_to_cpu(uint32_t v)
{
	return fw_cfg_cpu_to_be32(v);
}

static uint32_t fw_cfg_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t fw_cfg_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t fw_cfg_get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* One descriptor: kick it and wait for the device to clear control. */
static int fw_cfg_dma_one(struct fw_cfg *fc, uint32_t control, void *buf, uint32_t len)
{
	const struct fw_cfg_io *io = fc->io;
	struct fw_cfg_dma_access desc;
	unsigned int polls;

	desc.control = fw_cfg_cpu_to_be32(control);
	desc.length = fw_cfg_cpu_to_be32(len);
	desc.address = fw_cfg_cpu_to_be64(buf ? io->dma_addr(io->ctx, buf) : 0);
	fw_cfg_barrier();
	io->dma_kick(io->ctx, io->dma_addr(io->ctx, &desc));

	for (polls = 0; polls < FW_CFG_DMA_POLL_MAX; polls++) {
		uint32_t ctl = fw_cfg_be32_to_cpu(*(volatile uint32_t *)&desc.control);

		if (ctl & FW_CFG_DMA_CTL_ERROR)
			return FW_CFG_ERR_IO;
		if (ctl == 0) {
			fw_cfg_barrier();
			return 0;
		}
	}
	return FW_CFG_ERR_IO;
}

/*
 * Transfer len bytes of the current item (op is FW_CFG_DMA_CTL_READ into dst, or
 * FW_CFG_DMA_CTL_SKIP), selecting key first when select is true. Reads and skips continue
 * from where the previous one on the same item stopped, on both interfaces.
 */
static int fw_cfg_xfer(struct fw_cfg *fc, bool select, uint16_t key, uint32_t op, void *dst,
		       uint64_t len)
{
	const struct fw_cfg_io *io = fc->io;
	uint8_t *p = dst;
	uint32_t sel =
		select ? FW_CFG_DMA_CTL_SELECT | (uint32_t)key << FW_CFG_DMA_CTL_KEY_SHIFT : 0;

	if (!fc->dma) {
		if (select)
			io->select(io->ctx, key);
		for (uint64_t i = 0; i < len; i++) {
			uint8_t b = io->read_data8(io->ctx);

			if (op == FW_CFG_DMA_CTL_READ)
				p[i] = b;
		}
		return 0;
	}

	/* A selecting descriptor goes out even for len == 0, so the selector is set. */
	do {
		uint32_t chunk = len > FW_CFG_DMA_CHUNK_MAX ? FW_CFG_DMA_CHUNK_MAX : (uint32_t)len;
		int ret = fw_cfg_dma_one(fc, sel | op, op == FW_CFG_DMA_CTL_READ ? p : NULL, chunk);

		if (ret)
			return ret;
		if (op == FW_CFG_DMA_CTL_READ)
			p += chunk;
		len -= chunk;
		sel = 0;
	} while (len);
	return 0;
}

int fw_cfg_init(struct fw_cfg *fc, const struct fw_cfg_io *io)
{
	uint8_t buf[FW_CFG_SIG_SIZE];
	uint32_t id;

	fc->io = io;
	fc->dma = false;

	/* Both reads go through the data register, which every version has. */
	fw_cfg_xfer(fc, true, FW_CFG_SIGNATURE, FW_CFG_DMA_CTL_READ, buf, sizeof(buf));
	if (memcmp(buf, fw_cfg_signature, sizeof(buf)) != 0)
		return FW_CFG_ERR_NODEV;

	fw_cfg_xfer(fc, true, FW_CFG_ID, FW_CFG_DMA_CTL_READ, buf, sizeof(buf));
	id = fw_cfg_get_le32(buf);
	fc->dma = (id & FW_CFG_VERSION_DMA) && io->dma_kick && io->dma_addr;
	return 0;
}

int fw_cfg_read(struct fw_cfg *fc, uint16_t key, void *dst, size_t len)
{
	return fw_cfg_xfer(fc, true, key, FW_CFG_DMA_CTL_READ, dst, len);
}

uint32_t fw_cfg_read_u32(struct fw_cfg *fc, uint16_t key)
{
	uint8_t buf[4];

	if (fw_cfg_read(fc, key, buf, sizeof(buf)))
		return 0;
	return fw_cfg_get_le32(buf);
}

int fw_cfg_file_count(struct fw_cfg *fc, uint32_t *count)
{
	uint8_t buf[4];
	int ret;

	ret = fw_cfg_read(fc, FW_CFG_FILE_DIR, buf, sizeof(buf));
	if (ret)
		return ret;
	*count = fw_cfg_get_be32(buf);
	return 0;
}

int fw_cfg_file_at(struct fw_cfg *fc, uint32_t index, struct fw_cfg_file *out)
{
	uint8_t raw[FW_CFG_DIR_ENTRY_SIZE];
	uint32_t count;
	int ret;

	/* The count read leaves the item offset at the first entry; skip to ours from there. */
	ret = fw_cfg_file_count(fc, &count);
	if (ret)
		return ret;
	if (index >= count)
		return FW_CFG_ERR_RANGE;
	if (index) {
		ret = fw_cfg_xfer(fc, false, FW_CFG_FILE_DIR, FW_CFG_DMA_CTL_SKIP, NULL,
				  (uint64_t)index * FW_CFG_DIR_ENTRY_SIZE);
		if (ret)
			return ret;
	}
	ret = fw_cfg_xfer(fc, false, FW_CFG_FILE_DIR, FW_CFG_DMA_CTL_READ, raw, sizeof(raw));
	if (ret)
		return ret;
	fw_cfg_parse_entry(raw, out);
	return 0;
}

/*
 * The raw name equals name only if it holds name followed by a NUL; a 56-byte name with no
 * NUL (malformed: QEMU always terminates) matches nothing, not even its 55-byte prefix.
 */
static bool fw_cfg_name_matches(const uint8_t *raw_name, const char *name, size_t len)
{
	return len < FW_CFG_NAME_MAX && memcmp(raw_name, name, len) == 0 && raw_name[len] == 0;
}

int fw_cfg_find(struct fw_cfg *fc, const char *name, struct fw_cfg_file *out)
{
	uint8_t raw[FW_CFG_DIR_ENTRY_SIZE];
	size_t len = strlen(name);
	uint32_t count, i;
	int ret;

	/* One pass over the directory: the count, then each entry in turn. */
	ret = fw_cfg_file_count(fc, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		ret = fw_cfg_xfer(fc, false, FW_CFG_FILE_DIR, FW_CFG_DMA_CTL_READ, raw,
				  sizeof(raw));
		if (ret)
			return ret;
		if (fw_cfg_name_matches(raw + FW_CFG_DIR_NAME_OFF, name, len)) {
			fw_cfg_parse_entry(raw, out);
			return 0;
		}
	}
	return FW_CFG_ERR_NOENT;
}

void fw_cfg_parse_entry(const uint8_t raw[64], struct fw_cfg_file *out)
{
	out->size = fw_cfg_get_be32(raw + FW_CFG_DIR_SIZE_OFF);
	out->select = fw_cfg_get_be16(raw + FW_CFG_DIR_SELECT_OFF);
	/* the be16 after select is reserved */
	memcpy(out->name, raw + FW_CFG_DIR_NAME_OFF, FW_CFG_NAME_MAX);
	out->name[FW_CFG_NAME_MAX - 1] = '\0';
}
