# tests/fuzz/fuzz.mk - the libFuzzer targets (tests/fuzz/README.md): each tests/fuzz/fuzz_<name>.c
# with the skiff sources it drives, built by clang with libFuzzer, ASan and UBSan into
# $(BUILD)/fuzz/fuzz_<name>. `make fuzz` runs them (tools/fuzz.py); `make test` builds them
# and runs each briefly (tests/fuzz/test_fuzz.py), so they are added to QEMU_TEST_DEPS.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -I. -Iinclude \
	-DSKIFF_HOST_TEST -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_LIBS := -lfdt
FUZZ_DIR := $(BUILD)/fuzz

FUZZ_TARGETS := abort psci
FUZZ_COMMON := tests/fuzz/fuzz_util.c

fuzz_abort_SRCS := hyp/abort.c
fuzz_psci_SRCS := hyp/psci.c hyp/vm_lookup.c

FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))

define fuzz_rule
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) $$(wildcard tests/fuzz/*.h) \
		$$(wildcard hyp/*.h irq/*.h) tests/fuzz/fuzz.mk
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  FUZZCC  $$@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) \
		$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# what the runs need besides the binaries: the fixtures their seed corpora are made from
FUZZ_DEPS := $(FUZZ_BINS) $(UNIT_FIXTURES) $(DEFAULT_CONFIG_DTB)
QEMU_TEST_DEPS += $(FUZZ_DEPS)

.PHONY: fuzz-build
fuzz-build: $(FUZZ_DEPS)
