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

$(LINUX_INITRD): $(LINUX_STAMP) tools/mkinitramfs.py
	@$(if $(Q),echo "  INITRD  $@")
	$(Q)python3 tools/mkinitramfs.py --linux $(LINUX_DIR) --out $@ >/dev/null

# `make clean` keeps build/linux/ (a download); this removes it
clean-linux:
	rm -rf $(LINUX_DIR)
