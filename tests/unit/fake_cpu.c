/*
 * fake_cpu.c - the host tests' CPU (fake_cpu.h): implements host_sysreg_read/write and
 * host_cpu_op for code built with SKIFF_HOST_TEST. Touches only its own tables.
 */
#include "tests/unit/fake_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arm64/sysreg.h"

#define MAX_REGS 64
#define MAX_OPS 16

struct reg {
	char name[32];
	uint64_t val;
	unsigned int writes;
};

struct op {
	char name[16];
	unsigned int count;
};

static struct reg regs[MAX_REGS];
static unsigned int nr_regs;
static struct op ops[MAX_OPS];
static unsigned int nr_ops;
void (*fake_wfi_hook)(void);

static struct reg *reg_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_regs; i++)
		if (!strcmp(regs[i].name, name))
			return &regs[i];
	if (nr_regs == MAX_REGS || strlen(name) >= sizeof(regs[0].name)) {
		fprintf(stderr, "fake_cpu: no room for register %s\n", name);
		abort();
	}
	snprintf(regs[nr_regs].name, sizeof(regs[0].name), "%s", name);
	return &regs[nr_regs++];
}

void fake_cpu_reset(void)
{
	memset(regs, 0, sizeof(regs));
	memset(ops, 0, sizeof(ops));
	nr_regs = nr_ops = 0;
	fake_wfi_hook = NULL;
}

void fake_sysreg_set(const char *name, uint64_t val)
{
	reg_of(name)->val = val;
}

uint64_t fake_sysreg_get(const char *name)
{
	return reg_of(name)->val;
}

unsigned int fake_sysreg_writes(const char *name)
{
	return reg_of(name)->writes;
}

unsigned int fake_cpu_ops(const char *op)
{
	unsigned int i;

	for (i = 0; i < nr_ops; i++)
		if (!strcmp(ops[i].name, op))
			return ops[i].count;
	return 0;
}

uint64_t host_sysreg_read(const char *name)
{
	return reg_of(name)->val;
}

void host_sysreg_write(const char *name, uint64_t val)
{
	struct reg *r = reg_of(name);

	r->val = val;
	r->writes++;
}

void host_cpu_op(const char *op)
{
	unsigned int i;

	for (i = 0; i < nr_ops && strcmp(ops[i].name, op); i++)
		;
	if (i == nr_ops) {
		if (nr_ops == MAX_OPS)
			abort();
		snprintf(ops[nr_ops++].name, sizeof(ops[0].name), "%s", op);
	}
	ops[i].count++;
	if (!strcmp(op, "wfi") && fake_wfi_hook)
		fake_wfi_hook();
}
