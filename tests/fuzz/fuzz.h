/*
 * fuzz.h - what every libFuzzer target under tests/fuzz/ shares: the check that stops a run
 * with a message (libFuzzer then keeps the input as a crash file), a reader that turns the
 * fuzzer's bytes into numbers, the fixture loader and the check of an error message.
 * Host-only test code: touches nothing but the memory it allocates and, when loading
 * fixtures, files under the build directory.
 */
#ifndef SKIFF_TESTS_FUZZ_FUZZ_H
#define SKIFF_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stop with "fuzz: <where>: <message>" on stderr and abort(): a found bug. */
void fuzz_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define FUZZ_CHECK(cond, ...)                                       \
	do {                                                        \
		if (!(cond))                                        \
			fuzz_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

/* The fuzzer's bytes, consumed from the front; reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/* A number below n (n > 0) from one byte, or two when n > 256. */
unsigned int fuzz_below(struct fuzz_in *in, unsigned int n);

/* The build directory: $SKIFF_BUILD, else the one the executable sits in (build/fuzz/x). */
const char *fuzz_build_dir(void);

/* A file under the build directory (rel), whole, in malloc'd memory (8-byte aligned, as a
 * device tree wants); NULL when it cannot be read. *size is its length. */
void *fuzz_load(const char *rel, size_t *size);
/* As fuzz_load, but a missing fixture stops the target with a hint (run make unit). */
void *fuzz_load_fixture(const char *rel, size_t *size);

/*
 * Whether libfdt 1.6.1 (Debian 12's, which skiff links) would loop for ever over the device
 * tree blob[0..size): a property whose length makes fdt_next_tag()'s int offset wrap, so that
 * fdt_check_full() never returns (FINDINGS.md). Newer libfdt checks that sum. Reads only
 * within blob.
 */
bool fuzz_fdt_len_wraps(const void *blob, size_t size);

/* An error message as skiff promises them: non-empty, NUL-terminated within size, printable
 * ASCII only. what names the function, for the failure. */
void fuzz_check_message(const char *what, const char *err, size_t size);

#endif
