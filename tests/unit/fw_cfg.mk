UNIT_TESTS += fw_cfg
fw_cfg_SRCS := drivers/fw_cfg.c
