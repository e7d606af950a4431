/*
 * chan.c - the channel tests' message rings (chan.h). Plain C: builds for AArch64, AArch32 and
 * Linux user space alike.
 */
#include "tests/guests/chan/chan.h"

#define IDX_HEAD 0
#define IDX_TAIL 16
#define IDX_SLOTS 32

static uint32_t word(uint32_t seq, uint32_t salt, unsigned int i)
{
	uint32_t x = seq * 0x9e3779b9u + salt + i * 0x85ebca6bu;

	x ^= x >> 16;
	x *= 0x7feb352du;
	return x ^ (x >> 15);
}

void chan_init(struct chan *c, void *shm, unsigned int end)
{
	volatile uint32_t *base = shm;

	c->tx = base + end * (CHAN_RING_BYTES / 4);
	c->rx = base + (1 - end) * (CHAN_RING_BYTES / 4);
	c->tx_salt = end ? CHAN_SALT_REPLY : CHAN_SALT_REQUEST;
	c->rx_salt = end ? CHAN_SALT_REQUEST : CHAN_SALT_REPLY;
	c->sent = c->received = c->bad = 0;
}

bool chan_send(struct chan *c, uint32_t seq)
{
	uint32_t head = c->tx[IDX_HEAD], sum = seq;
	volatile uint32_t *m = c->tx + IDX_SLOTS + (head % CHAN_SLOTS) * CHAN_MSG_WORDS;
	unsigned int i;

	if (head - c->tx[IDX_TAIL] >= CHAN_SLOTS)
		return false;
	chan_barrier(); /* the slot is free (tail read) before it is written */
	m[0] = seq;
	for (i = 0; i < CHAN_PAYLOAD; i++) {
		m[1 + i] = word(seq, c->tx_salt, i);
		sum += m[1 + i];
	}
	m[CHAN_MSG_WORDS - 1] = sum;
	chan_barrier(); /* the message before the index that publishes it */
	c->tx[IDX_HEAD] = head + 1;
	c->sent++;
	return true;
}

int chan_recv(struct chan *c, uint32_t *seq)
{
	uint32_t tail = c->rx[IDX_TAIL], sum;
	const volatile uint32_t *m = c->rx + IDX_SLOTS + (tail % CHAN_SLOTS) * CHAN_MSG_WORDS;
	unsigned int i;
	bool ok = true;

	if (c->rx[IDX_HEAD] == tail)
		return 0;
	chan_barrier(); /* the index before the message it publishes */
	*seq = sum = m[0];
	for (i = 0; i < CHAN_PAYLOAD; i++) {
		uint32_t w = m[1 + i];

		ok = ok && w == word(*seq, c->rx_salt, i);
		sum += w;
	}
	if (!ok || sum != m[CHAN_MSG_WORDS - 1])
		c->bad++;
	chan_barrier(); /* the message read before its slot is given back */
	c->rx[IDX_TAIL] = tail + 1;
	c->received++;
	return 1;
}

bool chan_request(struct chan *c, uint32_t n, void (*ring)(void), void (*wait)(void))
{
	uint32_t next = 0, got = 0, seq;
	bool order = true;

	while (got < n) {
		bool sent = false;

		while (next < n && next - got < CHAN_SLOTS - 1 && chan_send(c, next)) {
			next++;
			sent = true;
		}
		if (sent)
			ring();
		if (!chan_recv(c, &seq)) {
			wait();
			continue;
		}
		order = order && seq == got;
		got++;
	}
	return order && !c->bad;
}

bool chan_respond(struct chan *c, uint32_t n, void (*ring)(void), void (*wait)(void))
{
	uint32_t seq, want = 0;
	bool order = true;

	while (want < n) {
		bool sent = false;

		while (want < n && chan_recv(c, &seq)) {
			order = order && seq == want;
			want++;
			while (!chan_send(c, seq)) /* the requester keeps a free slot: never long */
				ring();
			sent = true;
		}
		if (sent)
			ring();
		else
			wait();
	}
	return order && !c->bad;
}
