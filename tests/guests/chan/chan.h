/*
 * chan.h - the message protocol the channel tests run over a skiff,channel (docs/channel.md):
 * plain C (stdint only, 32-bit aligned accesses, no AArch64 assembly), so the same file builds
 * for a bare-metal AArch64 guest, an AArch32 one and a Linux program. The one architecture
 * detail is the barrier, chan_barrier(), "dmb ish" in both A64 and A32.
 *
 * The shared memory holds one ring per direction: end e writes the ring at e * CHAN_RING_BYTES.
 * A ring is a producer index (word 0), a consumer index (word 16, its own cache line) and
 * CHAN_SLOTS messages of CHAN_MSG_WORDS words: a sequence number, CHAN_PAYLOAD words derived
 * from it and the direction, and their sum. A receiver checks all three.
 */
#ifndef SKIFF_TEST_CHAN_H
#define SKIFF_TEST_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#define CHAN_SLOTS 32
#define CHAN_PAYLOAD 6
#define CHAN_MSG_WORDS (CHAN_PAYLOAD + 2)
#define CHAN_RING_BYTES 2048
#define CHAN_SALT_REQUEST 0x52455155u /* "REQU" */
#define CHAN_SALT_REPLY 0x5245504cu   /* "REPL" */

static inline void chan_barrier(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

struct chan {
	volatile uint32_t *tx, *rx; /* the ring this end writes, the one it reads */
	uint32_t tx_salt, rx_salt;
	uint32_t sent, received; /* messages, since chan_init */
	uint32_t bad;		 /* messages that failed a check */
};

/* shm: the shared memory (at least 2 * CHAN_RING_BYTES); end: 0 or 1 (skiff,channel's second
 * cell). End 0 sends requests, end 1 replies. skiff zeroes the memory at boot. */
void chan_init(struct chan *c, void *shm, unsigned int end);
/* Queue message seq; false when the ring is full. */
bool chan_send(struct chan *c, uint32_t seq);
/* 1 and *seq for the next message, 0 when there is none; a message failing its checks counts
 * in c->bad (and is still consumed, 1). */
int chan_recv(struct chan *c, uint32_t *seq);

/*
 * The two roles: the requester sends n requests (at most CHAN_SLOTS - 1 outstanding) and takes
 * one reply for each, in order; the responder answers every request until it has answered n.
 * ring() rings the peer's doorbell (after each batch); wait() waits for the peer's doorbell or
 * for a while. Both return false if a message was out of order or failed its check.
 */
bool chan_request(struct chan *c, uint32_t n, void (*ring)(void), void (*wait)(void));
bool chan_respond(struct chan *c, uint32_t n, void (*ring)(void), void (*wait)(void));

#endif
