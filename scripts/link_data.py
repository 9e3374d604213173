#!/usr/bin/env python3
"""Writes crates/gm/link-data.ld: the read-only data sections a run reads,
side by side, in the order it first reads them.

Usage: link_data.py LINK_MAP TRACE > crates/gm/link-data.ld

LINK_MAP is rust-lld's map of the build that was traced (the release build
writes one to its OUT_DIR); TRACE is valgrind's lackey output with
--trace-mem=yes. The data a run reads (jump tables, constants, tables of
function pointers) is spread over the 1.2 MB of .rodata and the 0.4 MB of
.data.rel.ro of gm's executable, and the kernel maps it 64 KB at a time:
gathered, it takes a few of those windows instead of dozens.

Sections are named by their input section names; a name several objects
share (the C library's plain .rodata among them) is qualified with its
object. The sections the linker merges (strings and constants) follow the
hot ones whole: a run reads some of each.
"""

import bisect
import re
import sys

# Output sections whose input sections may move, and where to: the default
# ones and .rodata.hot, which this script adds (for a build made with the
# script in place).
GROUPS = {
    ".rodata": ".rodata.hot",
    ".rodata.hot": ".rodata.hot",
    ".data.rel.ro": ".data.rel.ro",
}

LINE = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ ( *)(\S.*)$")
INPUT = re.compile(r"^(.*):\((.*)\)$")
ACCESS = re.compile(r"^ [LSM] ([0-9a-f]+),")
# Sections the linker merges (strings, constants): moved whole, after the
# hot ones, since a run reads some of each.
MERGED = (".rodata.str", ".rodata.cst")
# Characters a linker script would read as part of a pattern or as syntax.
UNSAFE = re.compile(r"[*?\[\]\\(){}\",;\s]")


def input_sections(map_path):
    """(start, size, output group, file, section) of every movable input
    section, sorted by start."""
    out = []
    group = None
    with open(map_path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            start, size, indent, what = m.groups()
            if len(indent) == 0:
                group = GROUPS.get(what)
                continue
            if group is None or len(indent) != 8:
                continue
            i = INPUT.match(what)
            if not i:
                continue
            file, section = i.groups()
            if file == "<internal>" or section.startswith(MERGED) or UNSAFE.search(section):
                continue
            out.append((int(start, 16), int(size, 16), group, file, section))
    out.sort()
    return out


def pattern(file, section, shared):
    """The input section description that names this section alone."""
    if section not in shared:
        return f"*({section})"
    # "/path/libx.a(member.o)" is written "*/libx.a:member.o".
    m = re.match(r"^.*/([^/]+\.(?:rlib|a))\((.*)\)$", file)
    where = f"{m.group(1)}:{m.group(2)}" if m else file.rsplit("/", 1)[-1]
    if UNSAFE.search(where):
        return None
    return f"*/{where}({section})"


def main():
    sections = input_sections(sys.argv[1])
    starts = [s[0] for s in sections]
    count = {}
    for s in sections:
        count[s[4]] = count.get(s[4], 0) + 1
    # The C library's objects each have one plain .rodata.
    shared = {name for name, n in count.items() if n > 1} | {".rodata", ".data.rel.ro"}

    read = {".rodata.hot": [], ".data.rel.ro": []}
    seen = set()
    with open(sys.argv[2]) as f:
        for line in f:
            m = ACCESS.match(line)
            if not m:
                continue
            addr = int(m.group(1), 16)
            i = bisect.bisect_right(starts, addr) - 1
            if i < 0 or i in seen:
                continue
            start, size, group, file, section = sections[i]
            if addr >= start + size:
                continue
            seen.add(i)
            p = pattern(file, section, shared)
            if p:
                read[group].append(p)

    print("/* Written by scripts/link_data.py (from scripts/link_order.sh): the")
    print("   read-only data sections the empty program's run reads, gathered. */")
    # .rodata.hot opens the read-only segment, just after the headers and
    # the C library's start-up relocations, which every start reads: they
    # then share the kernel's first 64 KB window instead of mapping one of
    # exception tables. The relocated read-only data must stay one run of
    # sections the loader protects after relocating, so its hot part opens
    # .data.rel.ro itself, where the linker appends the rest.
    for group, before in ((".rodata.hot", ".gcc_except_table"), (".data.rel.ro", ".got")):
        print("SECTIONS\n{")
        print(f"  {group} :\n  {{")
        for p in read[group]:
            print(f"    {p}")
        if group == ".rodata.hot":
            print("    *(.rodata.str1.1 .rodata.str1.2 .rodata.str1.4 .rodata.str1.8)")
            print("    *(.rodata.cst4 .rodata.cst8 .rodata.cst16 .rodata.cst32)")
        print("  }\n}")
        print(f"INSERT BEFORE {before};")
    # The C runtime's start-up reads the first word of .eh_frame (to
    # register the unwind tables): there, that word is in the window that
    # holds the end of the hot data.
    print("SECTIONS\n{")
    print("  .eh_frame : { KEEP(*(.eh_frame)) }")
    print("  .eh_frame_hdr : { *(.eh_frame_hdr) }")
    print("}")
    print("INSERT AFTER .rodata.hot;")

if __name__ == "__main__":
    main()
