/*
 * fdt_mutate.h - a structure-aware mutator for device trees, shared by the DT targets' custom
 * mutators (LLVMFuzzerCustomMutator / CustomCrossOver): instead of flipping bytes that
 * fdt_check_header would mostly refuse, it edits a valid tree through libfdt's read-write API
 * (property values and lengths, cell values, node names, nodes and properties added, deleted
 * or copied) so that each mutant is still a tree and reaches the parser's logic. Host-only;
 * writes only the caller's buffer and its own scratch buffers.
 */
#ifndef SKIFF_TESTS_FUZZ_FDT_MUTATE_H
#define SKIFF_TESTS_FUZZ_FDT_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* What mutations draw from besides the tree itself: NULL-terminated lists of property names,
 * string values and node names the parser knows, and a donor tree (may be NULL) whose node
 * paths and cell values make good values (a config naming the host's devices, say). */
struct fdt_dict {
	const char *const *props;
	const char *const *strings;
	const char *const *nodes;
	const void *donor;
};

/* libFuzzer's own byte mutator (the fallback for what is not a valid tree). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* A pseudo-random generator seeded by libFuzzer's seed, so a mutation can be replayed. */
struct fdt_rng {
	uint64_t s;
};

uint32_t fdt_rng_next(struct fdt_rng *r);
/* A number below n (n > 0). */
uint32_t fdt_rng_below(struct fdt_rng *r, uint32_t n);

/*
 * Mutate the tree in data[0..size) (any alignment) in place; returns its new size, at most
 * max_size. A valid tree gets one to three structural edits (and now and then raw byte
 * flips, so that the header and structure checks stay covered); anything else goes to
 * LLVMFuzzerMutate.
 */
size_t fdt_mutate(uint8_t *data, size_t size, size_t max_size, uint32_t seed,
		  const struct fdt_dict *dict);

/* Cross-over: a copy of tree a with a random subtree or property of tree b grafted in, into
 * out (max_out bytes); its size, or 0 when either is not a valid tree or it does not fit. */
size_t fdt_cross(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size, uint8_t *out,
		 size_t max_out, uint32_t seed);

#endif
