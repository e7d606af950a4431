/*
 * fdt_rename.h - force-included (fdt_CFLAGS) into the host build of lib/fdt.c and its test:
 * renames each libfdt function lib/fdt.c defines to skiff_<name>, so it links beside the host's
 * libfdt, the reference it is tested against. libfdt.h comes first, so its declarations keep
 * libfdt's names; the renamed ones are declared below. Test-only; must not be included by
 * anything in the image.
 */
#ifndef SKIFF_TESTS_FDT_RENAME_H
#define SKIFF_TESTS_FDT_RENAME_H

#include <libfdt.h>

#define fdt_check_header skiff_fdt_check_header
#define fdt_next_node skiff_fdt_next_node
#define fdt_first_subnode skiff_fdt_first_subnode
#define fdt_next_subnode skiff_fdt_next_subnode
#define fdt_get_name skiff_fdt_get_name
#define fdt_first_property_offset skiff_fdt_first_property_offset
#define fdt_next_property_offset skiff_fdt_next_property_offset
#define fdt_getprop_by_offset skiff_fdt_getprop_by_offset
#define fdt_getprop_namelen skiff_fdt_getprop_namelen
#define fdt_getprop skiff_fdt_getprop
#define fdt_get_phandle skiff_fdt_get_phandle
#define fdt_parent_offset skiff_fdt_parent_offset
#define fdt_get_path skiff_fdt_get_path
#define fdt_subnode_offset skiff_fdt_subnode_offset
#define fdt_path_offset_namelen skiff_fdt_path_offset_namelen
#define fdt_path_offset skiff_fdt_path_offset
#define fdt_get_mem_rsv skiff_fdt_get_mem_rsv
#define fdt_num_mem_rsv skiff_fdt_num_mem_rsv
#define fdt_node_offset_by_phandle skiff_fdt_node_offset_by_phandle
#define fdt_node_offset_by_prop_value skiff_fdt_node_offset_by_prop_value
#define fdt_stringlist_contains skiff_fdt_stringlist_contains
#define fdt_node_check_compatible skiff_fdt_node_check_compatible
#define fdt_node_offset_by_compatible skiff_fdt_node_offset_by_compatible
#define fdt_stringlist_get skiff_fdt_stringlist_get

int fdt_check_header(const void *fdt);
int fdt_next_node(const void *fdt, int offset, int *depth);
int fdt_first_subnode(const void *fdt, int offset);
int fdt_next_subnode(const void *fdt, int offset);
const char *fdt_get_name(const void *fdt, int nodeoffset, int *len);
int fdt_first_property_offset(const void *fdt, int nodeoffset);
int fdt_next_property_offset(const void *fdt, int offset);
const void *fdt_getprop_by_offset(const void *fdt, int offset, const char **namep, int *lenp);
const void *fdt_getprop_namelen(const void *fdt, int nodeoffset, const char *name, int namelen,
				int *lenp);
const void *fdt_getprop(const void *fdt, int nodeoffset, const char *name, int *lenp);
uint32_t fdt_get_phandle(const void *fdt, int nodeoffset);
int fdt_parent_offset(const void *fdt, int nodeoffset);
int fdt_get_path(const void *fdt, int nodeoffset, char *buf, int buflen);
int fdt_subnode_offset(const void *fdt, int parentoffset, const char *name);
int fdt_path_offset_namelen(const void *fdt, const char *path, int namelen);
int fdt_path_offset(const void *fdt, const char *path);
int fdt_get_mem_rsv(const void *fdt, int n, uint64_t *address, uint64_t *size);
int fdt_num_mem_rsv(const void *fdt);
int fdt_node_offset_by_phandle(const void *fdt, uint32_t phandle);
int fdt_node_offset_by_prop_value(const void *fdt, int startoffset, const char *propname,
				  const void *propval, int proplen);
int fdt_stringlist_contains(const char *strlist, int listlen, const char *str);
int fdt_node_check_compatible(const void *fdt, int nodeoffset, const char *compatible);
int fdt_node_offset_by_compatible(const void *fdt, int startoffset, const char *compatible);
const char *fdt_stringlist_get(const void *fdt, int nodeoffset, const char *property, int idx,
			       int *lenp);

#endif
