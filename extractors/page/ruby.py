"""Ruby (furigana): readings printed in small kana just above the kanji they read.

A PDF has no ruby markup. A producer draws a reading as a few small chars over its base,
right after the base char or in a pass after the whole line; left among the page's chars,
they cut the base line apart (``group_lines`` sees the baseline jump at every reading) and
come back as lines of their own. ``find_ruby`` recognises them by size and position alone,
so the page stage can drop them before grouping lines and hang each reading on the block
that holds its base. Pure functions over pdfplumber char dicts.

A reading is a run of small chars on one baseline (``_small_runs``) that

- are all kana: a reading is spelt in kana, while small notes, units and chart labels
  carry digits, brackets or kanji;
- are each at most ``max_size_ratio`` of the size of a char right below (ruby is about
  half size; superscript references and note lines are 0.7–0.9 of the body);
- each sit just above that char: box bottom near its box top, never reaching into the
  base line as a superscript reference does (``_base_below``);
- sit over one base line, within its chars' span, overhanging by at most about one ruby
  char on each side (a ruby char over the kana beside a kanji belongs to that kanji's
  reading when ruby chars sit over the kanji too: ``_hang_overhangs_on_kanji``).

A run is cut into readings where the base chars under it are not set solid
(``_split_at_base_gaps``): mono-ruby over kanji that the typesetter spread apart to fit
each reading gives one ``Ruby`` per kanji; group-ruby over a word gives one. Mono-ruby
over a word set solid cannot be told from group-ruby by position, and comes out as one
``Ruby`` over the word (けん + いん over 牽引 → "けんいん" over "牽引").

Bases: kanji (CJK ideographs, radicals, 々〆〇ヶ) are the strong case, taken whenever
the above holds. A reading over kana or Latin (emphasis ruby: エーアイ over ＡＩ) is the
weak case, taken only centred on a whole word of running text, a word told by its script
(``_weak_base_fits``): a small kana label over a larger label is not. A base mixing
kanji and kana, readings spelt in Latin letters, and emphasis dots (傍点) are not taken.
Rotated chars and chars of a vertical writing-mode font are skipped: their ruby sits
beside them, not above.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter

from extractors.geometry import BBox, same_type_size
from extractors.page.lines import VERTICAL_MODE_OFFSET
from extractors.page.orientation import is_horizontal
from extractors.text.normalize import normalize_chars

__all__ = ["Ruby", "RubySettings", "find_ruby", "is_kana", "is_kanji"]


@dataclass(frozen=True)
class RubySettings:
    # A char is small enough to be ruby over a char at most this share of that char's size.
    # Ruby is set at about half size (0.47–0.5 in the white papers); a superscript
    # reference or a note line is 0.7–0.9 of the body.
    max_size_ratio: float = 0.65
    # A reading sits on its base: its box bottom at most this share of the base size above
    # the base chars' box top. A small line of its own at body line spacing sits 0.3–0.6 above.
    max_gap_above: float = 0.25
    # ...or dipping at most this share of the base size into it: box heights come from font
    # metrics and tight ruby overlaps a little (0.08 in the white papers). A superscript
    # reference sits on its text line and reaches half the line or more into it.
    max_overlap: float = 0.25
    # A reading longer than its base overhangs it by up to one ruby char on each side (JIS
    # X 4051 lets it hang over neighbouring kana), in ruby sizes.
    max_overhang: float = 1.0
    # Chars of one reading are set solid, or spread over a longer base (1-2-1 placement
    # leaves up to about one ruby char between them), in ruby sizes.
    max_ruby_gap: float = 1.0
    # The kanji of one word are set solid: a wider gap between base chars (in base sizes)
    # is a typesetter spreading kanji to fit one reading each (mono-ruby), or another word.
    max_base_gap: float = 0.25
    # Chars share a baseline while their box bottoms differ by at most this share of their size.
    baseline_tolerance: float = 0.2
    # Weak case (a base without kanji): the reading's centre within this many ruby sizes
    # of its base's centre, as ruby is placed; a label over a label need not be.
    max_off_centre: float = 0.5


@dataclass(frozen=True)
class Ruby:
    """One reading and the base chars it sits over (ids index the list given to ``find_ruby``)."""

    text: str  # the reading as printed, left to right (normalised like TextLine.text)
    char_ids: tuple[int, ...]  # the ruby chars, left to right
    bbox: BBox  # around the ruby chars
    base_char_ids: tuple[int, ...]  # the base chars, left to right
    base: str  # the base text (normalised like TextLine.text)


# --- what chars are

_KANJI_RANGES = (
    (0x2E80, 0x2FD5),  # CJK radicals: some producers map kanji glyphs to radical code points
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # supplementary ideographs
)
_KANJI_EXTRA = "ヶ"  # a katakana letter read as the kanji 箇 (三ヶ月)

_KANA_RANGES = (
    (0x3041, 0x309F),  # hiragana, ゝゞ
    (0x30A0, 0x30FF),  # katakana, ー, ・ (between the parts of a foreign name), ヽヾ
    (0x31F0, 0x31FF),  # small katakana for Ainu
    (0xFF66, 0xFF9F),  # halfwidth katakana
)


def _in(ranges: tuple[tuple[int, int], ...], ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in ranges)


def is_kanji(text: str) -> bool:
    """Whether every code point of ``text`` (one char's text) is a kanji."""
    return bool(text) and all(ch in _KANJI_EXTRA or _in(_KANJI_RANGES, ch) for ch in text)


def is_kana(text: str) -> bool:
    """Whether every code point of ``text`` (one char's text) is kana (ー included)."""
    return bool(text) and all(_in(_KANA_RANGES, ch) for ch in text)


_MAX_GLYPH_EMS = 4.0


def _is_plain_horizontal(char: dict) -> bool:
    """A visible char on a left-to-right baseline: the only kind ruby and bases are made of."""
    size = char.get("size") or 0.0
    if not 0 < size < math.inf or not char["text"].strip() or not is_horizontal(char):
        return False
    # A box not a few ems across at most, at finite coordinates, is no glyph of text (a
    # hostile file's), and would not fit the grid's cells.
    if not 0 <= char["x1"] - char["x0"] <= _MAX_GLYPH_EMS * size or not math.isfinite(char["top"] + char["bottom"]):
        return False
    matrix = char.get("matrix")
    # A vertical writing-mode glyph is boxed centred on its pen (see lines.VERTICAL_MODE_OFFSET);
    # its ruby sits to its right.
    return not (matrix and char["x0"] < matrix[4] - VERTICAL_MODE_OFFSET * size)


def _centre_x(char: dict) -> float:
    return (char["x0"] + char["x1"]) / 2


def _same_baseline(a: dict, b: dict, settings: RubySettings) -> bool:
    return abs(a["bottom"] - b["bottom"]) <= settings.baseline_tolerance * max(a["size"], b["size"])


def _small_enough(ruby: dict, base: dict, settings: RubySettings) -> bool:
    return ruby["size"] <= settings.max_size_ratio * base["size"]


# --- finding chars near a place without comparing every pair


class _Grid:
    """Chars bucketed by the square cells their boxes touch: a lookup near a point reads a
    few cells, not the page (a dense page has 3000+ chars)."""

    def __init__(self, chars: list[dict], ids: Iterable[int], cell: float) -> None:
        self._cell = cell
        self._cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for k in ids:
            c = chars[k]
            for key in self._keys(c["x0"], c["top"], c["x1"], c["bottom"]):
                self._cells[key].append(k)

    def _keys(self, x0: float, top: float, x1: float, bottom: float) -> Iterator[tuple[int, int]]:
        cell = self._cell
        for i in range(int(x0 // cell), int(x1 // cell) + 1):
            for j in range(int(top // cell), int(bottom // cell) + 1):
                yield i, j

    def touching(self, x0: float, top: float, x1: float, bottom: float) -> set[int]:
        """Ids of the chars whose boxes may touch the rectangle (a superset: callers test)."""
        found: set[int] = set()
        for key in self._keys(x0, top, x1, bottom):
            found.update(self._cells.get(key, ()))
        return found


# --- the search


def find_ruby(chars: list[dict], settings: RubySettings = RubySettings()) -> list[Ruby]:
    """The readings printed over base chars among ``chars`` (a page's chars, boxes already
    re-hung by ``lines.anchor_char_boxes``), in the order of their first char."""
    plain = [k for k, c in enumerate(chars) if _is_plain_horizontal(c)]
    if not plain:
        return []
    largest = max(chars[k]["size"] for k in plain)
    # Only chars small beside the page's largest can be ruby: on most pages, a few or none.
    small = [k for k in plain if chars[k]["size"] <= settings.max_size_ratio * largest]
    if not any(is_kana(chars[k]["text"]) for k in small):
        return []
    # A reading is all kana; a small run with anything else is a note, a label, a unit.
    runs = [run for run in _small_runs(chars, small, settings) if all(is_kana(chars[k]["text"]) for k in run)]
    if not runs:
        return []
    grid = _Grid(chars, _could_be_bases(chars, plain, runs, largest, settings), cell=2 * largest)
    found: list[Ruby] = []
    for run in runs:
        found.extend(_readings_of_run(chars, run, grid, largest, settings))
    return sorted(found, key=lambda ruby: min(ruby.char_ids))


def _could_be_bases(
    chars: list[dict], plain: list[int], runs: list[list[int]], largest: float, settings: RubySettings
) -> list[int]:
    """The chars large enough to carry a reading whose boxes reach the strip just below a
    run of small kana: on a dense page, a few dozen of its thousands of chars."""
    smallest = min(chars[k]["size"] for run in runs for k in run)
    strips = sorted(
        (bottom - settings.max_overlap * largest, bottom + settings.max_gap_above * largest)
        for bottom in {chars[run[0]]["bottom"] for run in runs}
    )
    tops = [top for top, _ in strips]
    # A box meets a strip when one of the strips starting above its bottom ends below its
    # top: the furthest end among those strips tells.
    reaches = list(accumulate((bottom for _, bottom in strips), max))

    def near_a_strip(char: dict) -> bool:
        i = bisect_right(tops, char["bottom"]) - 1
        return i >= 0 and reaches[i] >= char["top"]

    return [k for k in plain if smallest <= settings.max_size_ratio * chars[k]["size"] and near_a_strip(chars[k])]


def _small_runs(chars: list[dict], ids: list[int], settings: RubySettings) -> list[list[int]]:
    """Small chars cut into runs of one type size along one baseline, left to right, by
    position alone: ruby may be drawn in any order (after each base char, after the line)."""
    # (bottom, size, x0, x1, id): read once, as a dense page has thousands of small chars.
    boxes = sorted((chars[k]["bottom"], chars[k]["size"], chars[k]["x0"], chars[k]["x1"], k) for k in ids)
    bands: list[list[tuple[float, float, float, float, int]]] = []
    for box in boxes:
        if bands and box[0] - bands[-1][0][0] <= settings.baseline_tolerance * box[1]:
            bands[-1].append(box)
        else:
            bands.append([box])
    runs: list[list[int]] = []
    for band in bands:
        band.sort(key=itemgetter(2))
        run, prev = [band[0][4]], band[0]
        for box in band[1:]:
            near = box[2] - prev[3] <= settings.max_ruby_gap * box[1]
            if near and same_type_size(prev[1], box[1]):
                run.append(box[4])
            else:
                runs.append(run)
                run = [box[4]]
            prev = box
        runs.append(run)
    return runs


def _readings_of_run(
    chars: list[dict], run: list[int], grid: _Grid, largest: float, settings: RubySettings
) -> list[Ruby]:
    """The readings a run of small kana makes over the line below it: none unless every
    char of the run sits over that one line and every reading fits its base."""
    bases = [_base_below(chars, k, grid, largest, settings) for k in run]
    if any(b is None for b in bases):
        return []  # a small char over nothing: a line of small type, not a reading
    base_ids = _hang_overhangs_on_kanji(chars, run, [b for b in bases if b is not None], settings)
    first_base = chars[base_ids[0]]
    if not all(_same_baseline(first_base, chars[b], settings) for b in base_ids):
        return []
    line = _base_line(chars, run, first_base, grid, settings)
    readings = []
    for group, group_bases in _split_at_base_gaps(chars, run, base_ids, settings):
        reading = _reading(chars, group, group_bases, line, settings)
        if reading is None:
            return []  # part of the run is no reading: the run is something else
        readings.append(reading)
    return readings


def _base_below(chars: list[dict], k: int, grid: _Grid, largest: float, settings: RubySettings) -> int | None:
    """The char a small char sits on: larger, its box top just below the small char's
    bottom, under it give or take the overhang; the one nearest its centre."""
    ruby = chars[k]
    overhang = settings.max_overhang * ruby["size"]
    near = grid.touching(
        ruby["x0"] - overhang,
        ruby["bottom"] - settings.max_overlap * largest,
        ruby["x1"] + overhang,
        ruby["bottom"] + settings.max_gap_above * largest,
    )
    best, best_key = None, None
    for b in near:
        base = chars[b]
        if not _small_enough(ruby, base, settings):
            continue
        gap = base["top"] - ruby["bottom"]
        if not -settings.max_overlap * base["size"] <= gap <= settings.max_gap_above * base["size"]:
            continue
        if ruby["x0"] < base["x0"] - overhang or ruby["x1"] > base["x1"] + overhang:
            continue
        key = (abs(_centre_x(ruby) - _centre_x(base)), b)
        if best_key is None or key < best_key:
            best, best_key = b, key
    return best


def _hang_overhangs_on_kanji(chars: list[dict], run: list[int], bases: list[int], settings: RubySettings) -> list[int]:
    """The bases of a run with a reading's overhang given back to its kanji: a ruby char
    over the neighbouring kana, next to ruby chars over a kanji and within the overhang
    of it, belongs to that kanji's reading (a ruby char over non-kanji with no reading
    over the kanji beside it is a reading of its own: エーアイ over ＡＩ)."""
    bases = list(bases)
    order = range(len(run))
    for step, indices in ((-1, order), (1, reversed(order))):  # hanging right of a kanji, then left
        for i in indices:
            j = i + step
            if not 0 <= j < len(run) or is_kanji(chars[bases[i]]["text"]) or not is_kanji(chars[bases[j]]["text"]):
                continue
            ruby, kanji = chars[run[i]], chars[bases[j]]
            overhang = settings.max_overhang * ruby["size"]
            if kanji["x0"] - overhang <= ruby["x0"] and ruby["x1"] <= kanji["x1"] + overhang:
                bases[i] = bases[j]
    return bases


def _base_line(chars: list[dict], run: list[int], base: dict, grid: _Grid, settings: RubySettings) -> list[int]:
    """The chars of the base line around the run (a few base sizes either side), left to right."""
    reach = 3 * base["size"]
    ruby = chars[run[0]]
    near = grid.touching(
        ruby["x0"] - reach,
        base["bottom"] - settings.baseline_tolerance * base["size"],
        chars[run[-1]]["x1"] + reach,
        base["bottom"] + settings.baseline_tolerance * base["size"],
    )
    line = [b for b in near if _same_baseline(base, chars[b], settings) and _small_enough(ruby, chars[b], settings)]
    return sorted(line, key=lambda b: (chars[b]["x0"], b))


def _split_at_base_gaps(
    chars: list[dict], run: list[int], bases: list[int], settings: RubySettings
) -> list[tuple[list[int], list[int]]]:
    """The run cut where its base chars are not set solid: (ruby ids, base ids) per reading."""
    groups: list[tuple[list[int], list[int]]] = [([run[0]], [bases[0]])]
    for k, b in zip(run[1:], bases[1:], strict=True):
        prev = chars[groups[-1][1][-1]]
        base = chars[b]
        solid = base is prev or (
            base["x0"] > prev["x0"] and base["x0"] - prev["x1"] <= settings.max_base_gap * base["size"]
        )
        if solid:
            groups[-1][0].append(k)
            groups[-1][1].append(b)
        else:
            groups.append(([k], [b]))
    return groups


def _reading(
    chars: list[dict], group: list[int], group_bases: list[int], line: list[int], settings: RubySettings
) -> Ruby | None:
    """The reading of a group of ruby chars over its base run, or None if it does not fit."""
    left, right = chars[group_bases[0]], chars[group_bases[-1]]
    # The base run: every char of the line from the first base char to the last (an
    # overprinted duplicate included), so its text is the word as printed.
    base_run = [b for b in line if left["x0"] <= _centre_x(chars[b]) <= right["x1"]]
    if not base_run:
        return None
    if not all(is_kanji(chars[b]["text"]) for b in base_run):
        if not _weak_base_fits(chars, group, base_run, line, settings):
            return None
    return Ruby(
        text=normalize_chars("".join(chars[k]["text"] for k in group)),
        char_ids=tuple(group),
        bbox=BBox.union(chars[k] for k in group),
        base_char_ids=tuple(base_run),
        base=normalize_chars("".join(chars[b]["text"] for b in base_run)),
    )


def _weak_base_fits(
    chars: list[dict], group: list[int], base_run: list[int], line: list[int], settings: RubySettings
) -> bool:
    """A reading over kana or Latin (emphasis ruby: エーアイ over AI) is centred on a word of
    running text. Without kanji a word is told by its script: the base is the whole run of
    one script (katakana, Latin, hiragana) with text in another set solid beside it. A
    small label over part of a larger label, or over a label alone, is not ruby."""
    ruby_size = max(chars[k]["size"] for k in group)
    ruby_centre = (chars[group[0]]["x0"] + chars[group[-1]]["x1"]) / 2
    base_centre = (chars[base_run[0]]["x0"] + chars[base_run[-1]]["x1"]) / 2
    if abs(ruby_centre - base_centre) > settings.max_off_centre * ruby_size:
        return False
    scripts = {_script(chars[b]["text"]) for b in base_run}
    if len(scripts) != 1 or scripts == {"other"}:
        return False
    neighbours = [chars[n]["text"] for n in _solid_neighbours(chars, base_run, line, settings)]
    return bool(neighbours) and all(_script(text) not in scripts for text in neighbours)


def _solid_neighbours(chars: list[dict], base_run: list[int], line: list[int], settings: RubySettings) -> list[int]:
    """The chars of the line set solid against the base run, just before and just after it."""
    first, last = chars[base_run[0]], chars[base_run[-1]]
    solid = settings.max_base_gap * first["size"]
    before = [b for b in line if chars[b]["x0"] < first["x0"] and abs(first["x0"] - chars[b]["x1"]) <= solid]
    after = [b for b in line if chars[b]["x1"] > last["x1"] and abs(chars[b]["x0"] - last["x1"]) <= solid]
    return before[-1:] + after[:1]


def _script(text: str) -> str:
    """kanji, hiragana, katakana, latin or other: what a word of running text is set in."""
    if is_kanji(text):
        return "kanji"
    if is_kana(text):
        return "hiragana" if all("\u3041" <= ch <= "\u309f" for ch in text) else "katakana"
    # ASCII and full-width letters and digits (ＡＩ).
    if text.isalnum() and all(ch.isascii() or "\uff10" <= ch <= "\uff5a" for ch in text):
        return "latin"
    return "other"
