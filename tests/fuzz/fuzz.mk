# tests/fuzz/fuzz.mk - the libFuzzer targets (tests/fuzz/README.md): each tests/fuzz/fuzz_<name>.c
# with the skiff sources it drives, built by clang with libFuzzer, ASan and UBSan into
# $(BUILD)/fuzz/fuzz_<name>. Only skiff's sources carry the coverage instrumentation that
# guides libFuzzer (-fsanitize=fuzzer-no-link); the harness (tests/fuzz/*.c: fakes, checks,
# mutators) is built with the sanitizers alone, so that its checks neither cost coverage
# callbacks nor count as coverage; the link adds libFuzzer (-fsanitize=fuzzer). `make fuzz`
# runs them (tools/fuzz.py); `make test` builds them and runs each briefly
# (tests/fuzz/test_fuzz.py), so they are added to QEMU_TEST_DEPS.
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -I. -Iinclude \
	-DSKIFF_HOST_TEST $(FUZZ_SAN) -fno-omit-frame-pointer
FUZZ_LIBS := -lfdt
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_OBJ := $(FUZZ_DIR)/obj

FUZZ_TARGETS := abort psci vgic_mmio platform config_assign guest_dtb
FUZZ_COMMON := tests/fuzz/fuzz_util.c
FUZZ_DT := tests/fuzz/fdt_mutate.c

# what each target drives: skiff's sources, instrumented for coverage
fuzz_abort_SRCS := hyp/emul/abort.c
fuzz_psci_SRCS := hyp/exit/psci.c hyp/core/vm_lookup.c
fuzz_vgic_mmio_SRCS := irq/vgic.c irq/vgic_dist.c irq/vgic_dist_v2.c irq/vgic_redist.c irq/vgic_mmio.c irq/sgi.c \
	irq/lr.c irq/lr_fast.c irq/passthrough.c irq/emulated.c
fuzz_platform_SRCS := hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_index.c hyp/plan/fdt_struct.c lib/printf.c
fuzz_config_assign_SRCS := hyp/plan/config.c hyp/plan/ledger.c hyp/plan/assign.c hyp/plan/modules.c hyp/plan/dma.c arch/arm64/pgtable.c \
	hyp/plan/fdt_index.c hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_struct.c lib/printf.c
fuzz_guest_dtb_SRCS := hyp/plan/guest_dtb.c hyp/plan/fdt_write.c hyp/plan/config.c hyp/plan/ledger.c hyp/plan/assign.c hyp/plan/modules.c hyp/plan/dma.c \
	arch/arm64/pgtable.c hyp/plan/fdt_index.c hyp/plan/platform.c hyp/plan/console_dt.c drivers/uart.c hyp/plan/fdt_addr.c hyp/plan/fdt_struct.c lib/printf.c
# the harness beside fuzz_<name>.c and fuzz_util.c: not instrumented
fuzz_platform_HARNESS := $(FUZZ_DT)
fuzz_config_assign_HARNESS := $(FUZZ_DT)
fuzz_guest_dtb_HARNESS := $(FUZZ_DT)

FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))

$(FUZZ_OBJ)/cov/%.o: %.c tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_OBJ)/harness/%.o: %.c tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -O2 -MMD -MP -c $< -o $@

define fuzz_rule
fuzz_$(1)_OBJS := $$(patsubst %.c,$(FUZZ_OBJ)/cov/%.o,$$(fuzz_$(1)_SRCS)) \
	$$(patsubst %.c,$(FUZZ_OBJ)/harness/%.o,tests/fuzz/fuzz_$(1).c $(FUZZ_COMMON) $$(fuzz_$(1)_HARNESS))
$(FUZZ_DIR)/fuzz_$(1): $$(fuzz_$(1)_OBJS)
	@$(if $(Q),echo "  FUZZLD  $$@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)

# Line coverage of skiff's sources under a corpus (tools/fuzz.py --coverage): each target
# built with clang's source-based coverage instead of the sanitizers, into build/fuzz/coverage/.
FUZZ_COV_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O0 -g -I. -Iinclude -DSKIFF_HOST_TEST \
	-fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_BINS := $(patsubst %,$(FUZZ_DIR)/coverage/fuzz_%,$(FUZZ_TARGETS))

define fuzz_cov_rule
$(FUZZ_DIR)/coverage/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) \
		$$(fuzz_$(1)_HARNESS) $$(wildcard tests/fuzz/*.h lib/*.h hyp/*/*.h irq/*.h) tests/fuzz/fuzz.mk
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  FUZZCOV $$@")
	$(Q)$(FUZZ_CC) $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer -o $$@ tests/fuzz/fuzz_$(1).c \
		$$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) $$(fuzz_$(1)_HARNESS) $(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_cov_rule,$(t))))

# what the runs need besides the binaries: the fixtures their seed corpora are made from
FUZZ_DEPS := $(FUZZ_BINS) $(UNIT_FIXTURES) $(DEFAULT_CONFIG_DTB)
QEMU_TEST_DEPS += $(FUZZ_DEPS)

.PHONY: fuzz-build fuzz-coverage-build
fuzz-build: $(FUZZ_DEPS)
fuzz-coverage-build: $(FUZZ_COV_BINS) $(UNIT_FIXTURES) $(DEFAULT_CONFIG_DTB)
