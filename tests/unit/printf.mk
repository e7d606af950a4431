UNIT_TESTS += printf
printf_SRCS := hyp/printf.c
