# tests/unit/guest_load.mk - host test of hyp/guests/guest_load.c: the arm64 Image header checks and
# where the image, DTB and initrd go in guest RAM (Linux's arm64 boot protocol).
UNIT_TESTS += guest_load
guest_load_SRCS := hyp/guests/guest_load.c lib/printf.c drivers/fw_cfg.c
