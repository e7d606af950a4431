UNIT_TESTS += printf
printf_SRCS := lib/printf.c
