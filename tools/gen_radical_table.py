"""Generate extractors/data/radicals.json from Unicode's EquivalentUnifiedIdeograph.txt.

Run once when the Unicode version moves (Debian's unicode-data package ships the file):
    python tools/gen_radical_table.py /usr/share/unicode/EquivalentUnifiedIdeograph.txt
Only the Kangxi Radicals (U+2F00–2FD5) and CJK Radicals Supplement (U+2E80–2EF3) blocks
are kept: those are the code points office exports emit instead of ideographs.
"""

import json
import sys
from pathlib import Path

RADICAL_BLOCKS = [(0x2E80, 0x2EF3), (0x2F00, 0x2FD5)]
OUT = Path(__file__).resolve().parent.parent / "extractors" / "data" / "radicals.json"


def in_radical_blocks(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in RADICAL_BLOCKS)


def parse(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        cps, target = (part.strip() for part in data.split(";"))
        lo, _, hi = cps.partition("..")
        for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
            if in_radical_blocks(cp):
                table[chr(cp)] = chr(int(target, 16))
    return table


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
    table = parse(source)
    OUT.write_text(json.dumps(dict(sorted(table.items())), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(table)} radicals -> {OUT}")
