/*
 * default_config.S - the embedded default configuration: dts/qemu-virt.dts compiled by dtc
 * (the Makefile passes its path). Read-only data, nothing else.
 */
	.section .rodata.default_config, "a"
	.balign	8
	.globl	default_config_start
	.globl	default_config_end
default_config_start:
	.incbin	DEFAULT_CONFIG_DTB
default_config_end:
