#!/usr/bin/env python3
"""tools/pack-image.py ELF BIN_IN BIN_OUT - shrinks skiff.bin: packs its relocations, then
compresses everything after the text.

skiff links as a PIE at 0 and relocates itself at boot (arch/arm64/boot.S). ld 2.40 cannot
pack AArch64 relocations, so .rela.dyn (24 bytes per R_AARCH64_RELATIVE) is the last
file-backed section and this tool rewrites it, in BIN_OUT, as a RELR table (about one 8-byte
word per 63 relocated words): a u64 count of RELR words, then the words. RELR addends are
implicit, so each relocated location gets its addend written into the image. Anything but
R_AARCH64_RELATIVE / R_AARCH64_NONE is refused. Reads ELF64 little-endian only.

The file is dense (arch/arm64/skiff.ld): a section's place in BIN is its load address, not
its address, so locations are found through the program headers.

Then what follows the text in the file (read-only data, read-write data, the RELR table) is
compressed, since the read-only data is mostly messages: at _ro_load BIN_OUT holds a u32 with
the packed bytes' count, a u32 with the count they unpack to, then the packed bytes. boot.S
(`unpack`) restores it before anything reads it. The format is a run of commands, each a byte
c: c < 0x80 copies the c + 1 bytes that follow; c >= 0x80 is a match, (c & 0x7f) + 3 bytes
copied from the output the next two bytes (little-endian, 1 to 65535) back. The text is left
as it is: it runs before anything could unpack it.
"""
import struct
import sys

R_AARCH64_NONE = 0
R_AARCH64_RELATIVE = 1027
WORD = 8
BITS = 63
LZ_MIN, LZ_MAX, LZ_LITERALS, LZ_WINDOW = 3, 0x7f + 3, 0x80, 0xffff
LZ_CHAIN = 64  # earlier places tried per match


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
    sys.exit("pack-image: 0x%x is in no loaded segment" % addr)


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


def lz_pack(data):
    """Greedy matching with a one-byte lookahead, over the last LZ_CHAIN places of each 3 bytes."""
    out, lit, heads, n = bytearray(), bytearray(), {}, len(data)

    def literals():
        for i in range(0, len(lit), LZ_LITERALS):
            run = lit[i:i + LZ_LITERALS]
            out.append(len(run) - 1)
            out.extend(run)
        lit.clear()

    def longest(i):
        best_len = best_off = 0
        if i + LZ_MIN > n:
            return 0, 0
        for j in reversed(heads.get(data[i:i + LZ_MIN], [])[-LZ_CHAIN:]):
            if i - j > LZ_WINDOW:
                break
            k = 0
            while k < LZ_MAX and i + k < n and data[j + k] == data[i + k]:
                k += 1
            if k > best_len:
                best_len, best_off = k, i - j
        return best_len, best_off

    def seen(i):
        if i + LZ_MIN <= n:
            heads.setdefault(data[i:i + LZ_MIN], []).append(i)

    i = 0
    while i < n:
        length, off = longest(i)
        if length >= LZ_MIN and longest(i + 1)[0] > length + 1:
            length = 0  # a longer match one byte on: this byte is a literal
        if length >= LZ_MIN:
            literals()
            out += bytes((0x80 | (length - LZ_MIN), off & 0xff, off >> 8))
            for k in range(length):
                seen(i + k)
            i += length
        else:
            seen(i)
            lit.append(data[i])
            i += 1
    literals()
    return bytes(out)


def lz_unpack(packed, size):
    """What boot.S's unpack does, to check the packing at build time."""
    out, i = bytearray(), 0
    while len(out) < size:
        c = packed[i]
        i += 1
        if c < 0x80:
            out += packed[i:i + c + 1]
            i += c + 1
        else:
            off = packed[i] | packed[i + 1] << 8
            i += 2
            for _ in range((c & 0x7f) + LZ_MIN):
                out.append(out[-off])
    return bytes(out)


def main():
    elf_path, bin_in, bin_out = sys.argv[1:4]
    elf = open(elf_path, "rb").read()
    image = bytearray(open(bin_in, "rb").read())
    rela = sections(elf)[".rela.dyn"]
    addr, off, size = file_offset(elf, rela[3]), rela[4], rela[5]
    if addr + size != len(image):
        sys.exit("pack-image: .rela.dyn must be the last thing in the image (ends at 0x%x, "
                 "image is 0x%x bytes)" % (addr + size, len(image)))
    offsets = []
    for r in range(0, size, 24):
        r_offset, r_info, r_addend = struct.unpack_from("<QQq", elf, off + r)
        kind = r_info & 0xffffffff
        if kind == R_AARCH64_NONE:
            continue
        if kind != R_AARCH64_RELATIVE or r_offset % WORD:
            sys.exit("pack-image: cannot pack relocation type %d at 0x%x" % (kind, r_offset))
        where = file_offset(elf, r_offset)
        if where + WORD > addr:
            sys.exit("pack-image: relocation at 0x%x is not in the file" % r_offset)
        struct.pack_into("<q", image, where, r_addend)
        offsets.append(r_offset)
    words = relr(sorted(offsets))
    table = struct.pack("<Q%dQ" % len(words), len(words), *words)
    if len(table) > size:
        sys.exit("pack-image: RELR table larger than .rela.dyn")
    del image[addr:]
    image += table
    print("  RELR    %d relocations in %d bytes (were %d)" % (len(offsets), len(table), size))

    ro_load = file_offset(elf, sections(elf)[".rodata"][3])
    data = bytes(image[ro_load:])
    packed = lz_pack(data)
    if ro_load % 16 or lz_unpack(packed, len(data)) != data:
        sys.exit("pack-image: cannot pack the data at 0x%x" % ro_load)
    del image[ro_load:]
    image += struct.pack("<II", len(packed), len(data)) + packed
    open(bin_out, "wb").write(image)
    print("  LZ      %d bytes after the text in %d" % (len(data), len(packed) + 8))


if __name__ == "__main__":
    main()
