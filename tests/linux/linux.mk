# tests/linux/linux.mk - the guest Linux for tests/linux/test_linux.py and `make run`, included
# by the Makefile: Debian's arm64 kernel and busybox-static (tools/fetch-linux.sh: apt-get
# download, quick and offline once build/linux/ is complete) and the initramfs
# (tools/mkinitramfs.py), all under build/linux/, never committed.
#   make linux     fetch (if needed) and build build/linux/Image and initramfs.cpio.gz

LINUX_DIR    := $(BUILD)/linux
LINUX_IMAGE  := $(LINUX_DIR)/Image
LINUX_INITRD := $(LINUX_DIR)/initramfs.cpio.gz
# touched by fetch-linux.sh only when it has (re)made build/linux/
LINUX_STAMP  := $(LINUX_DIR)/.complete

QEMU_TEST_DEPS += $(LINUX_INITRD)

.PHONY: linux linux-fetch clean-linux
linux: $(LINUX_INITRD)

# always asked, so a missing or partial build/linux/ is noticed; it returns at once when
# everything is there and leaves the stamp alone
linux-fetch:
	@tools/fetch-linux.sh

$(LINUX_STAMP): linux-fetch ;

# skiff-chan: the Linux end of an inter-guest channel (docs/channel.md), static with glibc
# (Debian's libc6-dev-arm64-cross), with the channel guests' ring protocol
LINUX_CHAN      := $(LINUX_DIR)/skiff-chan
LINUX_CHAN_SRCS := tests/linux/skiff_chan.c tests/guests/chan/chan.c
$(LINUX_CHAN): $(LINUX_CHAN_SRCS) tests/guests/chan/chan.h tests/linux/linux.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -static -O2 -Wall -Wextra -Werror -I. -o $@ $(LINUX_CHAN_SRCS)

$(LINUX_INITRD): $(LINUX_STAMP) tools/mkinitramfs.py $(LINUX_CHAN)
	@$(if $(Q),echo "  INITRD  $@")
	$(Q)python3 tools/mkinitramfs.py --linux $(LINUX_DIR) --chan $(LINUX_CHAN) --out $@ >/dev/null

# `make clean` keeps build/linux/ (a download); this removes it
clean-linux:
	rm -rf $(LINUX_DIR)
