/*
 * skiff_chan.c - skiff-chan, the Linux end of a skiff,channel (docs/channel.md): a static
 * aarch64 user program in the guest Linux's initramfs (tools/mkinitramfs.py) that runs the
 * channel tests' ring protocol (tests/guests/chan/chan.c) against the peer guest, usually the
 * AArch32 guest of tests/guests/channel32.c.
 *
 *     skiff-chan [COUNT] [TIMEOUT_S]      (defaults 10000 messages, 30 s without progress)
 *
 * It finds the skiff,channel node in /proc/device-tree (the first one), maps its doorbell page
 * and its shared memory through /dev/mem, and sends COUNT requests (end 0) or answers COUNT
 * (end 1), checking every message (order, payload, sum). Debian's kernel has no UIO driver
 * that could take the doorbell SPI (no UIO_PDRV_GENIRQ), so this side never waits for the
 * interrupt: it polls the ring (YIELD between polls) and reads the doorbell's HEARD register
 * at the end to show the peer rang. /dev/mem maps memory that is not Linux's RAM as Device
 * memory, so everything here is an aligned 32-bit access (chan.c's rule).
 *
 * Prints
 *     skiff-chan: end E sent S received R rang G heard H bad B ticks T hz F
 *     skiff-chan: ok | skiff-chan: FAILED: why
 * (T: virtual counter ticks the exchange took, F: its frequency) and exits 0 only on ok.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tests/guests/chan/chan.h"

#define DT "/proc/device-tree"
#define PAGE 4096u
#define DB_RING 0x0
#define DB_HEARD 0x4
#define CHECK_EVERY 4096 /* polls between looks at the clock */

static volatile uint32_t *db;
static uint32_t rang;
static struct chan chan;
static double timeout_s = 30;

/* what went wrong, with errno's text when a call set it */
static void fail(const char *what, int err)
{
	printf("skiff-chan: FAILED: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	exit(1);
}

/* A single STR / LDR (an access the hypervisor can emulate: no pair, no writeback). */
static void db_write(unsigned int off, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(db + off / 4) : "memory");
}

static uint32_t db_read(unsigned int off)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(db + off / 4) : "memory");
	return v;
}

static uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static uint64_t counter_hz(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void ring(void)
{
	db_write(DB_RING, 1);
	rang++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* No message: YIELD (under QEMU's single-threaded TCG, -icount, it lets the peer's vCPU run)
 * and, now and then, give up if nothing moved for timeout_s. */
static void wait_poll(void)
{
	static unsigned int polls;
	static uint32_t last;
	static double since;

	__asm__ volatile("yield" ::: "memory");
	if (++polls % CHECK_EVERY)
		return;
	if (chan.received != last || since == 0) {
		last = chan.received;
		since = now();
	} else if (now() - since > timeout_s) {
		printf("skiff-chan: FAILED: nothing from the peer for %.0f s: %u sent, %u "
		       "received\n",
		       timeout_s, chan.sent, chan.received);
		exit(1);
	}
}

/* The whole property name of node dir into buf; its length, or -1. */
static long read_prop(const char *dir, const char *name, void *buf, size_t size)
{
	char path[512];
	long n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const unsigned char *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 32 | be32(p);
		p += 4;
	}
	return v;
}

struct node {
	char dir[300];
	uint64_t db, shm, shm_size;
	uint32_t spi, end;
};

/* The first child of the root compatible with "skiff,channel". */
static int find_node(struct node *n)
{
	unsigned char buf[64];
	unsigned int ac = 2, sc = 1, i;
	struct dirent *e;
	DIR *d;
	long len;

	if (read_prop(DT, "#address-cells", buf, 4) == 4)
		ac = be32(buf);
	if (read_prop(DT, "#size-cells", buf, 4) == 4)
		sc = be32(buf);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -1;
	d = opendir(DT);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char compat[128];

		snprintf(n->dir, sizeof(n->dir), DT "/%s", e->d_name);
		len = read_prop(n->dir, "compatible", compat, sizeof(compat) - 1);
		if (len <= 0)
			continue;
		compat[len] = 0;
		for (i = 0; i < (unsigned long)len; i += strlen(compat + i) + 1)
			if (!strcmp(compat + i, "skiff,channel"))
				break;
		if (i < (unsigned long)len)
			break;
	}
	closedir(d);
	if (!e)
		return -1;
	len = read_prop(n->dir, "reg", buf, sizeof(buf));
	if (len < (long)(2 * 4 * (ac + sc)))
		return -1;
	n->db = cells(buf, ac);
	n->shm = cells(buf + 4 * (ac + sc), ac);
	n->shm_size = cells(buf + 4 * (2 * ac + sc), sc);
	if (read_prop(n->dir, "interrupts", buf, 12) != 12 ||
	    read_prop(n->dir, "skiff,channel", buf + 12, 8) != 8)
		return -1;
	n->spi = be32(buf + 4);
	n->end = be32(buf + 16);
	return n->end <= 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint32_t count = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 10000;
	uint64_t t0, t1;
	struct node n;
	void *shm, *page;
	bool ok;
	int fd;

	if (argc > 2)
		timeout_s = strtod(argv[2], NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (find_node(&n))
		fail("no skiff,channel node in " DT, 0);
	printf("skiff-chan: %s: doorbell 0x%llx (INTID %u), shared memory 0x%llx+0x%llx, end %u, "
	       "%u messages\n",
	       n.dir, (unsigned long long)n.db, n.spi + 32, (unsigned long long)n.shm,
	       (unsigned long long)n.shm_size, n.end, count);
	if (n.shm_size < 2 * CHAN_RING_BYTES || (n.shm | n.db) % PAGE)
		fail("the shared memory is too small or a range is not page-aligned", 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0)
		fail("open /dev/mem", errno);
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)n.db);
	if (page == MAP_FAILED)
		fail("mmap the doorbell page", errno);
	shm = mmap(NULL, (size_t)n.shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)n.shm);
	if (shm == MAP_FAILED)
		fail("mmap the shared memory", errno);
	db = page;

	chan_init(&chan, shm, n.end);
	t0 = counter();
	ok = n.end ? chan_respond(&chan, count, ring, wait_poll)
		   : chan_request(&chan, count, ring, wait_poll);
	t1 = counter();
	printf("skiff-chan: end %u sent %u received %u rang %u heard %u bad %u ticks %llu hz "
	       "%llu\n",
	       n.end, chan.sent, chan.received, rang, db_read(DB_HEARD), chan.bad,
	       (unsigned long long)(t1 - t0), (unsigned long long)counter_hz());
	if (!ok || chan.sent != count || chan.received != count)
		printf("skiff-chan: FAILED: %u bad, or out of order\n", chan.bad);
	else if (!db_read(DB_HEARD))
		printf("skiff-chan: FAILED: the peer's doorbell never rang (HEARD 0)\n");
	else
		printf("skiff-chan: ok\n");
	return ok && chan.sent == count && chan.received == count && db_read(DB_HEARD) ? 0 : 1;
}
