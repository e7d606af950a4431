#!/usr/bin/env python3
"""tools/pack-relocs.py ELF BIN_IN BIN_OUT - shrinks skiff.bin's relocations.

skiff links as a PIE at 0 and relocates itself at boot (arch/arm64/boot.S). ld 2.40 cannot
pack AArch64 relocations, so .rela.dyn (24 bytes per R_AARCH64_RELATIVE) is the last
file-backed section and this tool rewrites it, in BIN_OUT, as a RELR table (about one 8-byte
word per 63 relocated words): a u64 count of RELR words, then the words. RELR addends are
implicit, so each relocated location gets its addend written into the image. Anything but
R_AARCH64_RELATIVE / R_AARCH64_NONE is refused. Reads ELF64 little-endian only.

The file is dense (arch/arm64/skiff.ld): a section's place in BIN is its load address, not
its address, so locations are found through the program headers.
"""
import struct
import sys

R_AARCH64_NONE = 0
R_AARCH64_RELATIVE = 1027
WORD = 8
BITS = 63


def sections(elf):
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    names = {}
    for h in hdrs:
        start = strtab[4] + h[0]
        names[elf[start:elf.index(b"\0", start)].decode()] = h
    return names


def file_offset(elf, addr):
    """Where the byte the image has at address ADDR sits in skiff.bin: its load address."""
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, _, p_vaddr, p_paddr, p_filesz, _, _ = struct.unpack_from(
            "<IIQQQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= addr < p_vaddr + p_filesz:
            return p_paddr + addr - p_vaddr
    sys.exit("pack-relocs: 0x%x is in no loaded segment" % addr)


def relr(offsets):
    words, i = [], 0
    while i < len(offsets):
        where = offsets[i]
        words.append(where)
        i += 1
        where += WORD
        while i < len(offsets):
            bits = 0
            while i < len(offsets) and offsets[i] - where < BITS * WORD:
                bits |= 1 << ((offsets[i] - where) // WORD)
                i += 1
            if not bits:
                break
            words.append((bits << 1) | 1)
            where += BITS * WORD
    return words


def main():
    elf_path, bin_in, bin_out = sys.argv[1:4]
    elf = open(elf_path, "rb").read()
    image = bytearray(open(bin_in, "rb").read())
    rela = sections(elf)[".rela.dyn"]
    addr, off, size = file_offset(elf, rela[3]), rela[4], rela[5]
    if addr + size != len(image):
        sys.exit("pack-relocs: .rela.dyn must be the last thing in the image (ends at 0x%x, "
                 "image is 0x%x bytes)" % (addr + size, len(image)))
    offsets = []
    for r in range(0, size, 24):
        r_offset, r_info, r_addend = struct.unpack_from("<QQq", elf, off + r)
        kind = r_info & 0xffffffff
        if kind == R_AARCH64_NONE:
            continue
        if kind != R_AARCH64_RELATIVE or r_offset % WORD:
            sys.exit("pack-relocs: cannot pack relocation type %d at 0x%x" % (kind, r_offset))
        where = file_offset(elf, r_offset)
        if where + WORD > addr:
            sys.exit("pack-relocs: relocation at 0x%x is not in the file" % r_offset)
        struct.pack_into("<q", image, where, r_addend)
        offsets.append(r_offset)
    words = relr(sorted(offsets))
    table = struct.pack("<Q%dQ" % len(words), len(words), *words)
    if len(table) > size:
        sys.exit("pack-relocs: RELR table larger than .rela.dyn")
    del image[addr:]
    image += table
    open(bin_out, "wb").write(image)
    print("  RELR    %d relocations in %d bytes (were %d)" % (len(offsets), len(table), size))


if __name__ == "__main__":
    main()
