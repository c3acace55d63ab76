"""One narrative document, set the many ways producers set running text (invariance fixtures).

A narrative is plain data: an ordered list of ``Unit``s, each one block as the pipeline
should read it (heading, paragraph, bullet, note, caption) with its logical text and,
for a list item, its printed marker. A layout is a function from a ``Content`` to a
``Sheet``: text spans placed on the page (lines broken greedily by measured glyph
widths: Japanese breaks between any two characters but for kinsoku, a Latin word only at
a space) and the frames and rules drawn around them. ``render`` writes the one-page PDF
by hand, as ``table_habits`` does: Latin in Helvetica, Japanese in non-embedded
Adobe-Japan1 CID fonts (mincho body, gothic headings) read through pdfminer's CMaps.

What a unit's text is (the expected reading, whatever the layout):
- wrapped lines joined with no space between Japanese characters and one space between
  Latin words: the unit's text is its logical text, as written here (a space in it is
  printed as a space glyph; spaces stand between Latin words, or in one-line units such
  as headings, so no wrap can drop one);
- a heading keeps its number in its text (「１ 調査の目的」, 「（１）調査の対象」); its
  ``level`` is its depth in the outline (「１」 0, 「（１）」 1, 「ア」 2), which also
  picks how a layout styles it; a content's first unit, when a heading, is its title
  (level 0);
- only list items (``bullet``) have a marker: the glyph or number printed before the text
  (「・」, 「第１条」, 「２」), the text is what follows the gap after it; their ``level``
  is how deep they nest (a sub-bullet 1), every other unit's is 0;
- a footnote is a ``note`` whose text starts with its number (「1 総務省が…」); the
  reference numbers stay in the body text where printed, raised (「データベース1の」);
- ruby (furigana) is not text: the base characters are;
- a table-of-contents entry is a ``bullet``: marker its printed number (None when none
  is printed), text the title, a space, the leaders, a space and the page number, as
  printed (「調査の概要 ‥‥‥ 2」; ``toc_entry`` counts the leaders that fill the line).

Adding a layout is adding a function and a line in ``LAYOUTS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from helpers import CidFont, cid_string, in_latin_font, latin_string, one_page_pdf, script_runs, text_width

PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0  # the text area
# The first line's top, and the lowest any line may reach: clear of the bands where the
# pipeline looks for a section label (top 7.5 %) and a page number (bottom 10 %).
TOP, BOTTOM = 72.0, 750.0
LEADING = 1.7  # line pitch in ems: Japanese body text is set loose
FRAME_RULE = 0.75

UnitType = Literal["heading", "paragraph", "bullet", "note", "caption"]


@dataclass(frozen=True)
class Unit:
    type: UnitType
    text: str
    marker: str | None = None
    level: int = 0


@dataclass(frozen=True)
class Content:
    name: str
    units: tuple[Unit, ...]
    # Ruby over these base words, where a layout prints furigana: (base, reading).
    readings: tuple[tuple[str, str], ...] = ()
    # Strings whose last character is a footnote reference, printed raised where a
    # layout prints superscripts.
    raised: tuple[str, ...] = ()


# --- the contents


def _heading(text: str, level: int = 0) -> Unit:
    return Unit("heading", text, level=level)


def _paragraph(text: str) -> Unit:
    return Unit("paragraph", text)


def _bullet(marker: str | None, text: str, level: int = 0) -> Unit:
    return Unit("bullet", text, marker, level)


# A survey report's opening pages: what every prose layout sets.
REPORT = Content(
    "report",
    (
        _heading("令和５年度 地域産業実態調査の概要"),
        _heading("１ 調査の目的"),
        _paragraph(
            "本調査は、県内の中小企業における人材の確保、設備投資及びデジタル化の状況を把握し、"
            "今後の産業振興施策の企画立案に必要な基礎資料を得ることを目的として実施した。"
            "調査の設計に当たっては、前回調査（令和２年度）との比較が可能となるよう主な調査項目を継続するとともに、"
            "新たにDX (Digital Transformation)への取組に関する設問を追加した。"
        ),
        _paragraph(
            "なお、本書に掲載した数値は令和６年３月末時点の速報値であり、確報の公表時に改定されることがある。"
            "構成比は小数点以下第２位を四捨五入しているため、合計が100.0%にならない場合がある。"
        ),
        _heading("２ 調査の方法"),
        _heading("（１）調査の対象", 1),
        _paragraph(
            "県内に本社を置く従業者数5人以上の事業所のうち、事業所母集団データベースの名簿から"
            "産業別・規模別に層化して抽出した2,400事業所を対象とした。"
        ),
        _heading("（２）調査の時期及び方法", 1),
        _paragraph(
            "令和５年10月1日現在で実施し、調査票を郵送で配布した上で、郵送又はオンライン（e-Survey system）"
            "により回収した。回収数は1,586事業所、回収率は66.1%であった。"
        ),
        _heading("ア 主な調査事項", 2),
        _bullet("・", "事業所の概要（業種、従業者数、売上高及び資本金）"),
        _bullet("・", "人材の確保及び育成の状況"),
        _bullet(
            "・", "デジタル技術の導入状況と課題（クラウドサービス、AI、IoT等の活用状況及び導入に当たっての支援の要望）"
        ),
        _heading("３ 結果の概要"),
        _paragraph(
            "人手不足を経営上の課題とする事業所の割合は58.3%で、前回調査から7.9ポイント上昇した。"
            "業種別に見ると、建設業（72.4%）、運輸業（68.0%）、宿泊・飲食サービス業（65.2%）で特に高く、"
            "いずれも前回調査を上回っている。一方、従業者の育成に計画的に取り組んでいる事業所は31.6%にとどまり、"
            "規模が小さいほど取組の割合が低い傾向が見られた。"
        ),
        _paragraph(
            "デジタル技術については、クラウドサービスを導入している事業所が44.8%と前回の約1.5倍となった。"
            "導入しない理由としては「導入の効果が分からない」が最も多く、Society 5.0の実現に向けた"
            "普及啓発が引き続き課題となっている。"
        ),
    ),
    readings=(
        ("企画立案", "きかくりつあん"),
        ("層化", "そうか"),
        ("四捨五入", "ししゃごにゅう"),
        ("普及啓発", "ふきゅうけいはつ"),
    ),
)

# A handout page: two slides, each a title and bullets.
SLIDES = Content(
    "slides",
    (
        _heading("調査結果のポイント"),
        _bullet("・", "回収率は66.1%で、前回調査を4.2ポイント上回った"),
        _bullet("・", "人手不足を課題とする事業所は58.3%に上昇"),
        _bullet("・", "クラウドサービスの導入率は前回の約1.5倍"),
        _heading("今後の取組"),
        _bullet("・", "中小企業のDX支援策の周知を強化する"),
        _bullet("・", "人材育成プログラムの対象業種を拡大する"),
        _bullet("・", "次回調査ではオンライン回答を標準とし、回答する事業所の負担を軽減する"),
    ),
)

# A regulation: article captions, articles and their numbered clauses.
REGULATION = Content(
    "regulation",
    (
        _heading("地域産業実態調査実施規程"),
        _heading("（目的）"),
        _bullet(
            "第１条",
            "この規程は、地域産業実態調査（以下「調査」という。）の実施に関し必要な事項を定めるものとする。",
        ),
        _heading("（調査の対象）"),
        _bullet("第２条", "調査は、県内に本社を置く従業者数5人以上の事業所を対象とする。"),
        # A clause nests under its article (outliner levels: 第N条 then ２, ３).
        _bullet(
            "２", "前項の事業所のうち調査の対象とするものは、知事が別に定める方法により無作為に抽出する。", level=1
        ),
        _bullet(
            "３",
            "知事は、必要があると認めるときは、前項の規定にかかわらず、特定の事業所を調査の対象に加えることができる。",
            level=1,
        ),
        _heading("（秘密の保護）"),
        _bullet(
            "第３条",
            "調査に従事する者は、調査によって知り得た事業所の秘密を他に漏らしてはならない。"
            "その職を退いた後も、同様とする。",
        ),
    ),
)

# Body text with reference numbers, and the footnotes they point to.
FOOTNOTED = Content(
    "footnoted",
    (
        _heading("４ 利用上の注意"),
        _paragraph(
            "本調査の標本は、事業所母集団データベース1の名簿情報を基に抽出しており、"
            "母集団の事業所数は前回調査から約3%減少している。前回調査との比較に当たっては、"
            "この母集団の変化に加えて、規模区分の変更2にも留意する必要がある。"
        ),
        _paragraph(
            "また、オンラインによる回答の割合は42.5%に上昇しており、回答方法による回答傾向の違い3については"
            "今後の分析課題である。"
        ),
        Unit("note", "1 総務省が各種統計調査の母集団情報として整備しているデータベース。"),
        Unit("note", "2 令和５年度調査から、従業者規模の区分を5区分から4区分に変更した。"),
        Unit(
            "note",
            "3 例えば、自由記述欄の記入率はオンラインによる回答の方が高く、記述の量も多い傾向にある。"
            "このため、回答方法の構成の変化が結果に影響している可能性がある。",
        ),
    ),
    raised=("データベース1", "変更2", "違い3"),
)

# Table of contents geometry: an entry runs TOC_MEASURE ems from its level's indent.
TOC_SIZE = 10.5
TOC_MEASURE = 36.0
TOC_LEVEL_INDENT = 2.0  # ems per level
TOC_GAP = 0.5  # ems between title and leaders, and at least that before the page number
LEADER = "‥"


def _marker_room(marker: str | None) -> float:
    """Ems the marker and the 1-em gap after it take before the entry's title."""
    return 0.0 if marker is None else text_width(marker, 1.0) + 1.0


def toc_entry(title: str, page: int, marker: str | None = None, level: int = 0) -> Unit:
    """A contents entry as printed: as many leaders as fill the line to the page number."""
    room = (
        TOC_MEASURE
        - level * TOC_LEVEL_INDENT
        - _marker_room(marker)
        - text_width(title, 1.0)
        - 2 * TOC_GAP
        - text_width(str(page), 1.0)
    )
    return _bullet(marker, f"{title} {LEADER * math.floor(room)} {page}", level)


TOC = Content(
    "toc",
    (
        _heading("目次"),
        toc_entry("はじめに", 1),
        toc_entry("調査の概要", 2, "１"),
        toc_entry("調査の目的", 2, "（１）", 1),
        toc_entry("調査の対象及び方法", 3, "（２）", 1),
        toc_entry("結果の概要", 5, "２"),
        toc_entry("人材の確保及び育成", 5, "（１）", 1),
        toc_entry("デジタル技術の導入", 9, "（２）", 1),
        toc_entry("参考資料", 12),
    ),
)

# Bullets with sub-bullets.
NESTED = Content(
    "nested",
    (
        _heading("事業者から寄せられた主な意見"),
        _bullet("・", "人材の確保について"),
        _bullet(
            "ー",
            "若年層の応募が少なく、求人を出しても採用に至らないことが多い。特に技術職は、近隣の大企業との競合が厳しい。",
            1,
        ),
        _bullet("ー", "高齢の従業者の退職が続いており、技能の継承が追いついていない。", 1),
        _bullet(
            "・",
            "デジタル化について、相談できる専門家が身近におらず、どの製品やサービスを選べばよいか分からないとの声が多く寄せられた。",
        ),
        _bullet("ー", "クラウド会計を導入したが、取引先の多くが紙の請求書を使っているため効果が限られている。", 1),
        _bullet("ー", "セキュリティ対策の費用負担が大きい。", 1),
        _paragraph(
            "これらの意見を踏まえ、県では人材確保と事業所のデジタル化を一体的に支援する新たな相談窓口の設置を検討している。"
        ),
    ),
)

# Text around a figure: its caption above, its source below.
FIGURE = Content(
    "figure",
    (
        _paragraph(
            "クラウドサービスの導入率を従業者規模別に見ると、300人以上の事業所では78.5%に達する一方、"
            "5人から29人の事業所では36.2%にとどまっている。前回調査と比べると、全ての規模で導入率が上昇しており、"
            "特に30人から99人の事業所で上昇幅が大きい。"
        ),
        Unit("caption", "図1-2 従業者規模別のクラウドサービス導入率"),
        Unit("note", "出典：県産業振興課「地域産業実態調査」（令和５年度）"),
        _paragraph(
            "規模の大きい事業所ほど導入率が高い傾向は前回調査と同様であるが、その差は縮小しており、"
            "小規模の事業所でも導入が進みつつあることがうかがえる。導入したサービスの内訳では、"
            "会計・給与の管理とファイルの共有が多い。"
        ),
    ),
)


# --- type


FONTS: dict[str, str | CidFont] = {
    "Helv": "Helvetica",
    "HelvB": "Helvetica-Bold",
    "Min": CidFont("HeiseiMin-W3"),  # mincho: body text
    "Goth": CidFont("HeiseiKakuGo-W5"),  # gothic: headings, slides (weight told by family only)
    "GothB": CidFont("KozGoPr6N-Bold"),  # a gothic whose name says bold
}


@dataclass(frozen=True)
class Style:
    size: float
    japanese: str = "Min"  # a key of FONTS
    latin: str = "Helv"

    def width(self, text: str) -> float:
        latin_font = FONTS[self.latin]
        assert isinstance(latin_font, str)
        return text_width(text, self.size, latin_font)

    def scaled(self, ratio: float) -> Style:
        return replace(self, size=round(self.size * ratio, 2))


BODY = Style(10.5)
TITLE = Style(16.0, "GothB", "HelvB")
BOLD_GOTHIC = Style(10.5, "GothB", "HelvB")
SUPERSCRIPT_RATIO = 0.6
SUPERSCRIPT_RISE = 0.4  # ems of the body size
RUBY_RATIO = 0.5


@dataclass(frozen=True)
class Span:
    """A run of text on one baseline (top-down page space) in one style."""

    text: str
    x: float
    baseline: float
    style: Style
    spacing: float = 0.0  # extra advance after each glyph (Tc): justification
    start: int = -1  # where the span starts in its unit's text; -1: not unit text (ruby)

    @property
    def width(self) -> float:
        return self.style.width(self.text) + self.spacing * (len(self.text) - 1)


@dataclass
class Sheet:
    """Everything a layout puts on the page, in content-stream order."""

    spans: list[Span] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # x0, y, x1


# --- line breaking

# Kinsoku: characters a line may not start with, and may not end with.
NO_LINE_START = frozenset("、。，．）」』】〕ーっゃゅょァィゥェォッャュョ・‥…%")
NO_LINE_END = frozenset("（「『【〔")


def _may_break(text: str, k: int) -> bool:
    """Whether a line may end before ``text[k]``."""
    left, right = text[k - 1], text[k]
    if right == " ":
        return False  # the space stays at the line's end, unprinted
    if left == " ":
        return True
    if right in NO_LINE_START or left in NO_LINE_END:
        return False
    return not in_latin_font(left)  # a Latin word keeps what follows it up to a space


def wrap(
    text: str, widths: list[float], first: float, rest: float, unbreakable: frozenset[int] = frozenset()
) -> list[tuple[int, int]]:
    """Greedy line breaking: (start, end) of each line, spaces at a break left out.
    ``first``/``rest``: the first and the other lines' measures; no break before an
    index in ``unbreakable``."""
    lines: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        measure = first if not lines else rest
        used, end, last_break = 0.0, start, None
        while end < len(text):
            used += widths[end]
            if text[end] != " " and used > measure + 0.01 and end > start:
                break
            end += 1
            if end < len(text) and end not in unbreakable and _may_break(text, end):
                last_break = end
        else:
            lines.append((start, len(text)))
            break
        cut = last_break if last_break is not None and last_break > start else end
        lines.append((start, len(text[:cut].rstrip(" "))))
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
    return lines


# --- the pen


@dataclass
class Flow:
    """A pen moving down the text area's columns: each line takes the next slot, a full
    column hands over to the next one."""

    columns: list[tuple[float, float]]  # (left, right) of each column
    top: float = TOP
    bottom: float = BOTTOM
    column: int = 0
    y: float = TOP
    # The unit whose lines run from one column into the next, if one does.
    split_unit: Unit | None = None
    unit: Unit | None = None  # the unit being set

    @property
    def left(self) -> float:
        return self.columns[self.column][0]

    @property
    def right(self) -> float:
        return self.columns[self.column][1]

    def next_line(self, height: float, continuing: bool) -> float:
        """Top of the next line, ``height`` tall (``continuing``: not a block's first line)."""
        if self.y + height > self.bottom and self.column + 1 < len(self.columns):
            self.column += 1
            self.y = self.top
            if continuing:
                self.split_unit = self.unit
        top = self.y
        self.y += height
        return top

    def skip(self, space: float) -> None:
        if self.y > self.top:  # no space at a column's head
            self.y += space


def one_column() -> Flow:
    return Flow([(LEFT, RIGHT)])


def _baseline(top: float, style: Style, pitch: float) -> float:
    """The baseline of a line whose slot starts at ``top``: the em box centred in it
    (CJK glyphs stand 0.88 em above the baseline)."""
    return top + (pitch - style.size) / 2 + 0.88 * style.size


def set_block(
    flow: Flow,
    text: str,
    style: Style,
    indent: float = 0.0,
    hang: float = 0.0,
    justify: bool = False,
    raised: frozenset[int] = frozenset(),
    keep: tuple[tuple[int, int], ...] = (),
    leading: float = LEADING,
) -> list[Span]:
    """Set ``text`` as a block: the first line ``indent`` ems from the column's left, the
    others ``hang`` ems. Characters at ``raised`` are superscripts; each ``keep`` range
    (start, end) stays on one line and is a span of its own (a ruby base)."""
    small = style.scaled(SUPERSCRIPT_RATIO)
    widths = [(small if k in raised else style).width(ch) for k, ch in enumerate(text)]
    # A ruby base stays whole; a reference number stays with the word it marks.
    unbreakable = frozenset(k for s, e in keep for k in range(s + 1, e)) | raised
    cuts = {k for s, e in keep for k in (s, e)} | {k for r in raised for k in (r, r + 1)}
    measure = flow.right - flow.left
    lines = wrap(text, widths, measure - indent * style.size, measure - hang * style.size, unbreakable)
    pitch = leading * style.size
    spans = []
    for n, (start, end) in enumerate(lines):
        top = flow.next_line(pitch, continuing=n > 0)
        baseline = _baseline(top, style, pitch)
        x = flow.left + (indent if n == 0 else hang) * style.size
        natural = sum(widths[start:end])
        last = n == len(lines) - 1
        spacing = (flow.right - x - natural) / (end - start - 1) if justify and not last and end - start > 1 else 0.0
        bounds = [start, *sorted(k for k in cuts if start < k < end), end]
        for a, b in zip(bounds, bounds[1:], strict=False):
            if a in raised:
                spans.append(Span(text[a:b], x, baseline - SUPERSCRIPT_RISE * style.size, small, spacing, a))
            else:
                spans.append(Span(text[a:b], x, baseline, style, spacing, a))
            x += sum(widths[a:b]) + spacing * (b - a)
    return spans


def set_item(
    flow: Flow, marker: str | None, text: str, style: Style, marker_at: float, text_at: float, **block
) -> list[Span]:
    """A list item: ``marker`` at ``marker_at`` ems, the text from ``text_at`` ems with its
    wrapped lines hanging under it; the marker comes first in the stream, as typed."""
    spans = set_block(flow, text, style, indent=text_at, hang=text_at, **block)
    if marker is None:
        return spans
    first = spans[0]
    x = first.x - (text_at - marker_at) * style.size
    return [Span(marker, x, first.baseline, style), *spans]


def set_centred(flow: Flow, text: str, style: Style, leading: float = LEADING) -> list[Span]:
    pitch = leading * style.size
    top = flow.next_line(pitch, continuing=False)
    x = (flow.left + flow.right) / 2 - style.width(text) / 2
    return [Span(text, x, _baseline(top, style, pitch), style, start=0)]


# --- prose: REPORT and its looks


def _ruby_over(base: Span, reading: str) -> Span:
    """The reading at half size, centred over its base word, just above its em box."""
    style = base.style.scaled(RUBY_RATIO)
    base_top = base.baseline - 0.88 * base.style.size
    x = base.x + base.width / 2 - style.width(reading) / 2
    return Span(reading, x, base_top - 0.5 - 0.12 * style.size, style)


@dataclass(frozen=True)
class Look:
    """How a prose layout sets a report."""

    body: Style = BODY
    title: Style = TITLE
    headings: tuple[Style, Style, Style] = (BOLD_GOTHIC.scaled(12 / 10.5), BOLD_GOTHIC, BOLD_GOTHIC)  # by level
    first_indent: float = 1.0  # ems
    paragraph_space: float = 0.0  # extra space between blocks, in lines
    justify: bool = False
    indent_under_headings: bool = False  # a heading of level n indents what follows by n + 1 ems
    ruby: Literal["none", "inline", "separate"] = "none"
    framed: tuple[int, int] | None = None  # units [first, last) set inside a frame
    frame_foot: float | None = None  # ems from the last line's slot to the frame's foot (None: FRAME_PAD)


DEFAULT = Look()
BULLET_AT, BULLET_TEXT_AT = 1.0, 2.5  # ems: the ・ and its text (a gap of half an em)
FRAME_PAD = 0.8  # ems between a frame and its text


def set_report(content: Content, look: Look, flow: Flow) -> Sheet:
    """Set a report's units in ``look``, down ``flow``."""
    sheet = Sheet()
    ruby_pass: list[Span] = []  # readings written after all the text
    under = 0  # ems the body is indented under the last heading
    prev: Unit | None = None
    frame_top = 0.0
    for k, unit in enumerate(content.units):
        flow.unit = unit
        if look.framed and k == look.framed[0]:
            frame_top = _open_frame(flow, look.body)
        if unit.type == "heading":
            title = k == 0
            spans = _set_heading(flow, unit, look, title)
            under = unit.level + 1 if look.indent_under_headings and not title else 0
        else:
            # Space between blocks, not under a heading nor between the items of a list.
            if prev is not None and not (prev.type == "heading" or prev.type == unit.type == "bullet"):
                flow.skip(look.paragraph_space * LEADING * look.body.size)
            spans, apart = _set_body(flow, unit, under, look, content.readings)
            ruby_pass += apart
        sheet.spans += spans
        if look.framed and k == look.framed[1] - 1:
            _close_frame(flow, look.body, frame_top, sheet, look.frame_foot)
        prev = unit
    sheet.spans += ruby_pass
    return sheet


def _set_heading(flow: Flow, unit: Unit, look: Look, title: bool) -> list[Span]:
    """The title centred, a heading at the left in its level's style (indented by its
    level when the look indents under headings), half a line of space around them."""
    space = 0.5 * LEADING * look.body.size
    if title:
        spans = set_centred(flow, unit.text, look.title)
        flow.skip(space)
        return spans
    flow.skip(space)
    at = unit.level if look.indent_under_headings else 0
    return set_block(flow, unit.text, look.headings[unit.level], indent=at, hang=at)


def _set_body(
    flow: Flow, unit: Unit, under: int, look: Look, readings: tuple[tuple[str, str], ...]
) -> tuple[list[Span], list[Span]]:
    """A paragraph or a list item ``under`` ems in: its spans, and the ruby the look
    writes in a pass of its own."""
    if unit.type == "bullet":
        return set_item(flow, unit.marker, unit.text, look.body, under + BULLET_AT, under + BULLET_TEXT_AT), []
    assert unit.type == "paragraph", f"no prose style for {unit.type}"
    with_ruby = look.ruby != "none"
    bases = tuple((s, s + len(base)) for base, _ in readings if (s := unit.text.find(base)) >= 0)
    spans = set_block(
        flow,
        unit.text,
        look.body,
        indent=under + look.first_indent,
        hang=under,
        justify=look.justify,
        keep=bases if with_ruby else (),
    )
    if not with_ruby:
        return spans, []
    return _with_ruby(spans, unit.text, readings, inline=look.ruby == "inline")


def _open_frame(flow: Flow, style: Style) -> float:
    """Start a framed box in the flow: its top; the text inside is inset from the frame."""
    flow.skip(0.5 * LEADING * style.size)
    top = flow.y
    flow.y += FRAME_PAD * style.size
    inset = 2 * FRAME_PAD * style.size
    flow.columns = [(left + inset, right - inset) for left, right in flow.columns]
    return top


def _close_frame(flow: Flow, style: Style, top: float, sheet: Sheet, foot: float | None = None) -> None:
    """Close the box: its foot ``foot`` ems under the last line's slot (FRAME_PAD unless
    given; a negative one cuts into the slot, a panel drawn tight over the last line)."""
    text_bottom = flow.y
    flow.y += FRAME_PAD * style.size
    inset = 2 * FRAME_PAD * style.size
    flow.columns = [(left - inset, right + inset) for left, right in flow.columns]
    pad = FRAME_PAD * style.size
    bottom = flow.y if foot is None else text_bottom + foot * style.size
    sheet.frames.append((flow.left + pad, top, flow.right - pad, bottom))
    flow.skip(0.5 * LEADING * style.size)


def _with_ruby(
    spans: list[Span], text: str, readings: tuple[tuple[str, str], ...], inline: bool
) -> tuple[list[Span], list[Span]]:
    """The block's spans with each ruby right after its base (``inline``), and the ruby
    left for a pass of its own (not ``inline``)."""
    by_start = {text.find(base): reading for base, reading in readings if base in text}
    out, apart = [], []
    for span in spans:
        out.append(span)
        if span.start in by_start:
            (out if inline else apart).append(_ruby_over(span, by_start[span.start]))
    return out, apart


# --- the layouts: each sets its content on a Sheet


def one_column_indented(content: Content) -> Sheet:
    """Word's default: a one-character first-line indent, no space between paragraphs,
    ragged right; headings in a bold gothic, the first larger."""
    return set_report(content, DEFAULT, one_column())


def one_column_flush_spaced(content: Content) -> Sheet:
    """No indent; a blank half-line between paragraphs."""
    return set_report(content, replace(DEFAULT, first_indent=0.0, paragraph_space=0.5), one_column())


def justified(content: Content) -> Sheet:
    """Every line but a paragraph's last stretched to the right edge (character spacing)."""
    return set_report(content, replace(DEFAULT, justify=True), one_column())


def headings_by_size(content: Content) -> Sheet:
    """Headings in the body's mincho, told only by their larger size."""
    sizes = (Style(13.0), Style(12.0), Style(11.5))
    return set_report(content, replace(DEFAULT, headings=sizes), one_column())


def headings_by_weight(content: Content) -> Sheet:
    """Headings at the body size in a font whose name says Bold."""
    return set_report(content, replace(DEFAULT, headings=(BOLD_GOTHIC,) * 3), one_column())


def headings_by_family(content: Content) -> Sheet:
    """Headings at the body size in gothic (HeiseiKakuGo-W5), the body in mincho
    (HeiseiMin-W3): heavier to the eye, no "Bold" in any font name."""
    return set_report(content, replace(DEFAULT, headings=(Style(10.5, "Goth"),) * 3), one_column())


def headings_by_numbering(content: Content) -> Sheet:
    """Headings in the body's size and font, told only by their numbers standing alone on
    a line; each level indents what follows it by one more character. (The title is larger:
    titles always are.)"""
    look = replace(DEFAULT, headings=(BODY,) * 3, indent_under_headings=True)
    return set_report(content, look, one_column())


COLUMN_GAP = 24.0


def two_columns(content: Content) -> Sheet:
    """The default look flowed into two columns, the column height chosen so that a
    paragraph runs from the foot of the left column into the top of the right one."""
    middle = (LEFT + RIGHT) / 2
    columns = [(LEFT, middle - COLUMN_GAP / 2), (middle + COLUMN_GAP / 2, RIGHT)]
    for bottom in range(int(TOP) + 150, int(BOTTOM) + 1, 3):
        flow = Flow(columns, bottom=float(bottom))
        sheet = set_report(content, DEFAULT, flow)
        if flow.column == 1 and flow.y <= bottom and flow.split_unit and flow.split_unit.type == "paragraph":
            return sheet
    raise AssertionError("no column height splits a paragraph between the columns")


def furigana_inline(content: Content) -> Sheet:
    """Ruby over some words, each reading written right after its base word."""
    return set_report(content, replace(DEFAULT, ruby="inline"), one_column())


def furigana_separate_pass(content: Content) -> Sheet:
    """Ruby over some words, all readings written after the page's text."""
    return set_report(content, replace(DEFAULT, ruby="separate"), one_column())


def framed_box(content: Content) -> Sheet:
    """The default look with the first section's two paragraphs inside a drawn box."""
    first = next(k for k, u in enumerate(content.units) if u.type == "paragraph")
    return set_report(content, replace(DEFAULT, framed=(first, first + 2)), one_column())


def tight_panel(content: Content) -> Sheet:
    """The framed box drawn tight: its foot half an em into the last line's slot, over
    the descent of the last line's glyph boxes (a white paper's text panel)."""
    first = next(k for k, u in enumerate(content.units) if u.type == "paragraph")
    return set_report(content, replace(DEFAULT, framed=(first, first + 2), frame_foot=-0.5), one_column())


# Handout: two 16:9 slides, one above the other.
SLIDE_H = (RIGHT - LEFT) * 9 / 16
SLIDE_TOPS = (TOP, TOP + SLIDE_H + 60.0)
SLIDE_TITLE = Style(18.0, "GothB", "HelvB")
SLIDE_TEXT = Style(13.0, "Goth")
SLIDE_PAD = 24.0
# PowerPoint's single line spacing, and the space it adds before each paragraph (ems).
SLIDE_LEADING = 1.2
SLIDE_ITEM_SPACE = 0.5


def two_up_slides(content: Content) -> Sheet:
    """Two slide frames on one page; each slide a larger title and bullets."""
    sheet = Sheet()
    starts = [k for k, u in enumerate(content.units) if u.type == "heading"]
    assert len(starts) == len(SLIDE_TOPS)
    for top, a, b in zip(SLIDE_TOPS, starts, [*starts[1:], len(content.units)], strict=True):
        sheet.frames.append((LEFT, top, RIGHT, top + SLIDE_H))
        flow = Flow([(LEFT + SLIDE_PAD, RIGHT - SLIDE_PAD)], top=top + 14, y=top + 14, bottom=top + SLIDE_H)
        title, *items = content.units[a:b]
        sheet.spans += set_block(flow, title.text, SLIDE_TITLE, leading=SLIDE_LEADING)
        flow.skip(0.5 * SLIDE_TEXT.size)
        for item in items:
            sheet.spans += set_item(flow, item.marker, item.text, SLIDE_TEXT, 0.0, 1.5, leading=SLIDE_LEADING)
            flow.skip(SLIDE_ITEM_SPACE * SLIDE_TEXT.size)
    return sheet


ARTICLE_TITLE = Style(14.0, "GothB", "HelvB")


def numbered_articles(content: Content) -> Sheet:
    """A regulation: the title centred, article captions 「（目的）」 on their own line one
    character in, 「第１条」 and clause numbers 「２」 at the line start with a one-character
    gap before the text, wrapped lines one character in."""
    sheet, flow = Sheet(), one_column()
    for unit in content.units:
        if unit.type == "heading" and unit is content.units[0]:
            sheet.spans += set_centred(flow, unit.text, ARTICLE_TITLE)
            flow.skip(0.5 * LEADING * BODY.size)
        elif unit.type == "heading":
            sheet.spans += set_block(flow, unit.text, BODY, indent=1.0, hang=1.0)
        else:
            assert unit.marker is not None
            text_at = text_width(unit.marker, 1.0) + 1.0
            spans = set_block(flow, unit.text, BODY, indent=text_at, hang=1.0)
            first = spans[0]
            sheet.spans += [Span(unit.marker, flow.left, first.baseline, BODY), *spans]
    return sheet


FOOTNOTE = Style(8.0)
FOOTNOTE_LEADING = 1.5
FOOTNOTE_RULE = 150.0  # length of the rule above the footnotes


def footnotes(content: Content) -> Sheet:
    """Body text with raised reference numbers; at the foot of the page a short rule and
    the footnotes in smaller type, each number followed by a space, wrapped lines hanging."""
    sheet, flow = Sheet(), one_column()
    notes = [u for u in content.units if u.type == "note"]
    for unit in content.units:
        flow.unit = unit
        if unit.type == "heading":
            sheet.spans += set_block(flow, unit.text, DEFAULT.headings[0])
            flow.skip(0.3 * LEADING * BODY.size)
        elif unit.type == "paragraph":
            raised = frozenset(s + len(r) - 1 for r in content.raised if (s := unit.text.find(r)) >= 0)
            sheet.spans += set_block(flow, unit.text, BODY, indent=1.0, raised=raised)
    # The footnotes end at the foot of the text area: start as high as they need.
    height = sum(len(_footnote_lines(n.text)) for n in notes) * FOOTNOTE_LEADING * FOOTNOTE.size
    foot = Flow([(LEFT, RIGHT)], y=BOTTOM - height)
    sheet.rules.append((LEFT, foot.y - 6.0, LEFT + FOOTNOTE_RULE))
    for note in notes:
        sheet.spans += set_block(foot, note.text, FOOTNOTE, hang=_footnote_hang(note.text), leading=FOOTNOTE_LEADING)
    return sheet


def _footnote_hang(text: str) -> float:
    """Ems from the footnote's number to its text: wrapped lines hang there."""
    return text_width(text.split(" ")[0] + " ", 1.0)


def _footnote_lines(text: str) -> list[tuple[int, int]]:
    widths = [FOOTNOTE.width(ch) for ch in text]
    return wrap(text, widths, RIGHT - LEFT, RIGHT - LEFT - _footnote_hang(text) * FOOTNOTE.size)


TOC_STYLE = Style(TOC_SIZE)
TOC_TITLE = Style(16.0, "GothB", "HelvB")


def toc_with_leaders(content: Content) -> Sheet:
    """A contents page: 「目次」 larger, then entries: number, title, a run of ‥ leaders and
    the page number set flush right; sub-entries two characters in."""
    sheet, flow = Sheet(), one_column()
    size = TOC_STYLE.size
    right = LEFT + TOC_MEASURE * size
    for unit in content.units:
        if unit.type == "heading":
            sheet.spans += set_centred(flow, unit.text, TOC_TITLE)
            flow.skip(0.5 * LEADING * size)
            continue
        title, leaders, page = unit.text.split(" ")
        pitch = LEADING * size
        baseline = _baseline(flow.next_line(pitch, continuing=False), TOC_STYLE, pitch)
        x = LEFT + unit.level * TOC_LEVEL_INDENT * size
        if unit.marker is not None:
            sheet.spans.append(Span(unit.marker, x, baseline, TOC_STYLE))
        x += _marker_room(unit.marker) * size
        sheet.spans.append(Span(title, x, baseline, TOC_STYLE))
        x += TOC_STYLE.width(title) + TOC_GAP * size
        sheet.spans.append(Span(leaders, x, baseline, TOC_STYLE))
        sheet.spans.append(Span(page, right - TOC_STYLE.width(page), baseline, TOC_STYLE))
    return sheet


SUB_BULLET_AT = BULLET_AT + 1.5  # ems: a sub-bullet's marker under its parent's text


def bullets_nested(content: Content) -> Sheet:
    """・ items with ー sub-items under their text; wrapped lines hang under the text."""
    sheet, flow = Sheet(), one_column()
    for unit in content.units:
        if unit.type == "heading":
            sheet.spans += set_block(flow, unit.text, DEFAULT.headings[0])
            flow.skip(0.3 * LEADING * BODY.size)
        elif unit.type == "bullet":
            at = BULLET_AT + unit.level * (SUB_BULLET_AT - BULLET_AT)
            sheet.spans += set_item(flow, unit.marker, unit.text, BODY, at, at + 1.5)
        else:
            flow.skip(0.5 * LEADING * BODY.size)
            sheet.spans += set_block(flow, unit.text, BODY, indent=1.0)
    return sheet


NOTE = Style(9.0)
FIGURE_W, FIGURE_H = 300.0, 170.0


def captions(content: Content) -> Sheet:
    """A figure: its caption centred above an empty frame, its source note in smaller
    type below it, between two paragraphs."""
    sheet, flow = Sheet(), one_column()
    for unit in content.units:
        if unit.type == "paragraph":
            flow.skip(0.5 * LEADING * BODY.size)
            sheet.spans += set_block(flow, unit.text, BODY, indent=1.0)
        elif unit.type == "caption":
            flow.skip(LEADING * BODY.size)
            sheet.spans += set_centred(flow, unit.text, BODY)
            x0 = (LEFT + RIGHT) / 2 - FIGURE_W / 2
            sheet.frames.append((x0, flow.y + 4.0, x0 + FIGURE_W, flow.y + 4.0 + FIGURE_H))
            flow.y += FIGURE_H + 8.0
        else:
            sheet.spans += set_block(flow, unit.text, NOTE, indent=(RIGHT - LEFT - FIGURE_W) / 2 / NOTE.size)
    return sheet


@dataclass(frozen=True)
class Layout:
    """A layout: the content it sets (whose units are the expected blocks) and the
    function that places it."""

    content: Content
    place: Callable[[Content], Sheet]


LAYOUTS: dict[str, Layout] = {
    "one_column_indented": Layout(REPORT, one_column_indented),
    "one_column_flush_spaced": Layout(REPORT, one_column_flush_spaced),
    "justified": Layout(REPORT, justified),
    "two_columns": Layout(REPORT, two_columns),
    "two_up_slides": Layout(SLIDES, two_up_slides),
    "headings_by_size": Layout(REPORT, headings_by_size),
    "headings_by_weight": Layout(REPORT, headings_by_weight),
    "headings_by_family": Layout(REPORT, headings_by_family),
    "headings_by_numbering": Layout(REPORT, headings_by_numbering),
    "numbered_articles": Layout(REGULATION, numbered_articles),
    "footnotes": Layout(FOOTNOTED, footnotes),
    "furigana_inline": Layout(REPORT, furigana_inline),
    "furigana_separate_pass": Layout(REPORT, furigana_separate_pass),
    "toc_with_leaders": Layout(TOC, toc_with_leaders),
    "framed_box": Layout(REPORT, framed_box),
    "tight_panel": Layout(REPORT, tight_panel),
    "bullets_nested": Layout(NESTED, bullets_nested),
    "captions": Layout(FIGURE, captions),
}


# --- the PDF


def _y(top_down: float) -> float:
    return round(PAGE_H - top_down, 3)


def span_ops(span: Span) -> list[str]:
    """Text operators for a span: one text object per run of Latin or Japanese."""
    ops, x = [], span.x
    style = span.style
    for latin, run in script_runs(span.text):
        font, string = (style.latin, latin_string(run)) if latin else (style.japanese, cid_string(run))
        ops.append(
            f"BT /{font} {style.size} Tf {span.spacing:.4f} Tc 1 0 0 1 {x:.3f} {_y(span.baseline)} Tm {string} Tj ET"
        )
        x += style.width(run) + span.spacing * len(run)
    return ops


def content_stream(sheet: Sheet) -> str:
    ops = [f"0 0 0 RG {FRAME_RULE} w"]
    ops += [f"{x0:.3f} {_y(bottom)} {x1 - x0:.3f} {bottom - top:.3f} re S" for x0, top, x1, bottom in sheet.frames]
    ops += [f"{x0:.3f} {_y(y)} m {x1:.3f} {_y(y)} l S" for x0, y, x1 in sheet.rules]
    ops.append("0 0 0 rg")
    for span in sheet.spans:
        ops += span_ops(span)
    return "\n".join(ops)


def render(name: str) -> bytes:
    """The one-page PDF of a layout of ``LAYOUTS``, set with its content."""
    layout = LAYOUTS[name]
    return one_page_pdf(content_stream(layout.place(layout.content)).encode("latin-1"), FONTS, PAGE_W, PAGE_H)
