UNIT_TESTS += string
string_SRCS := lib/string.c
# lib/string.c defines libc's own names: rename them (skiff_memcpy, ...) for the host build,
# and keep GCC from treating the calls as builtins.
string_CFLAGS := -fno-builtin -include tests/unit/string_rename.h
