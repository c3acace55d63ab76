"""A self-contained HTML review page per ingested report.

Each page of the PDF is shown as an image with what we found drawn over it (blocks in
reading order, tables and their cells, as SVG in PDF points), and beside it what we
extracted from it: furniture, blocks, tables with their rowspan/colspan, and the Q&A
grids as question cards with one answer list per respondent. Content comes from the
report only; the PDF is opened just to draw the page images (embedded as data URIs, so
the one file can be mailed or archived).

    survey-ingest review outputs/report.json --pdf inputs/report.pdf --out review/
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docmodel.document import BBox, Block, Cell, Figure, SurveyReport, Table
from docmodel.qa import QAGrid, Question
from exporters.files import write_text_atomic
from extractors.text.lexicon import NO_ANSWER_WORDS

REVIEW_SUFFIX = ".review.html"
# Japanese needs a CJK face; Noto CJK is Debian's fonts-noto-cjk.
CJK_FONT_STACK = (
    '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", '
    'Meiryo, "IPAexGothic", "IPAGothic", sans-serif'
)


@dataclass(frozen=True)
class ReviewSettings:
    # 144 dpi keeps the small print of a dense table legible when zoomed.
    resolution: int = 144
    # Slides are flat colours: a 64-colour palette PNG is ~45 KB a page at 144 dpi,
    # a fifth of a JPEG of the same page, and its text stays crisp.
    image_format: str = "png"  # "png" (palette) or "jpeg" (photographs)
    palette_colors: int = 64
    jpeg_quality: int = 70
    # A page image's longest side, in pixels: a 200,000 pt page at 144 dpi would be 400,000
    # pixels a side (a MemoryError); a slide at 144 dpi is ~1,900. Larger pages render at
    # a lower resolution; the overlays are in PDF points and scale with the image.
    max_image_side: int = 4000


class ReviewError(ValueError):
    """The PDF given does not belong to the report (or cannot be found)."""


def _esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _lines(text: str | None) -> str:
    """Text with its logical line breaks kept."""
    return "<br>".join(_esc(line) for line in (text or "").split("\n"))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# Page images and overlays


def image_resolution(width: float, height: float, settings: ReviewSettings) -> float:
    """``settings.resolution``, lowered so the image's longest side stays within bounds."""
    longest = max(width, height, 1.0)
    return min(float(settings.resolution), settings.max_image_side * 72.0 / longest)


def page_image_uri(page, settings: ReviewSettings) -> str:
    """A pdfplumber page rendered as a data URI."""
    from PIL import Image

    image = page.to_image(resolution=image_resolution(page.width, page.height, settings)).original.convert("RGB")
    buffer = io.BytesIO()
    if settings.image_format == "png":
        palette = image.quantize(
            colors=settings.palette_colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        palette.save(buffer, format="PNG", optimize=True)
        mime = "image/png"
    else:
        image.save(buffer, format="JPEG", quality=settings.jpeg_quality, optimize=True)
        mime = "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def _rect(bbox: BBox, css: str, title: str) -> str:
    return (
        f'<rect class="{css}" x="{bbox.x0:.2f}" y="{bbox.top:.2f}" width="{max(bbox.x1 - bbox.x0, 0.5):.2f}" '
        f'height="{max(bbox.bottom - bbox.top, 0.5):.2f}"><title>{_esc(title)}</title></rect>'
    )


def overlay_svg(
    view: tuple[float, float, float, float], blocks: list[Block], tables: list[Table], figures: Sequence[Figure] = ()
) -> str:
    """SVG over the page image: figures, tables, their cells, then blocks numbered in reading order."""
    x0, top, x1, bottom = view
    parts = [
        f'<svg class="overlay" viewBox="{x0:.2f} {top:.2f} {x1 - x0:.2f} {bottom - top:.2f}" '
        'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
    ]
    for figure in figures:
        parts.append(_rect(figure.bbox, "ov-figure", f"figure {figure.id}: {figure.caption or figure.kind}"))
    for table in tables:
        parts.append(_rect(table.bbox, "ov-table", f"table {table.id}: {table.caption or 'uncaptioned'}"))
        for row in table.rows:
            for cell in row:
                parts.append(_rect(cell.bbox, "ov-cell", f"{table.id} r{cell.row} c{cell.col}: {_short(cell.text)}"))
        for callout in table.callouts:
            parts.append(_rect(callout.bbox, "ov-callout", f"callout: {_short(callout.text)}"))
    for index, block in enumerate(blocks, start=1):
        parts.append(_rect(block.bbox, f"ov-block ov-{block.type}", f"{index}. {block.type}: {_short(block.text)}"))
        parts.append(f'<text class="ov-label" x="{block.bbox.x0 - 1:.2f}" y="{block.bbox.top + 6:.2f}">{index}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Extracted content


def block_html(index: int, block: Block) -> str:
    marker = f'<span class="marker">{_esc(block.marker)}</span> ' if block.marker else ""
    indent = f' style="margin-left:{block.level * 1.2:.1f}em"' if block.level else ""
    return (
        f'<li class="block block-{block.type}" data-block="{index}"{indent}><span class="badge">{index} {block.type}'
        f"</span> {marker}{_lines(block.text)}</li>"
    )


def _cell_html(cell: Cell, tag: str) -> str:
    spans = "".join(
        f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if value != 1
    )
    return f"<{tag}{spans}>{_lines(cell.text)}</{tag}>"


def table_html(table: Table) -> str:
    """A printed table as an HTML table with its spans; header rows as <th>."""
    rows = []
    for index, row in enumerate(table.rows):
        tag = "th" if index < table.header_rows else "td"
        rows.append("<tr>" + "".join(_cell_html(cell, tag) for cell in row) + "</tr>")
    caption = _esc(table.caption) if table.caption else "<i>uncaptioned</i>"
    meta = f"{table.n_rows}×{table.n_cols}, {table.header_rows} header row(s)"
    if table.part is not None:
        meta += f", part {table.part}"
    notes = "".join(f"<li>{_lines(note.text)}</li>" for note in table.notes)
    notes_html = f'<ul class="notes" data-position="{_esc(table.note_position)}">{notes}</ul>' if notes else ""
    callouts = "".join(f"<li>{_lines(c.text)}</li>" for c in table.callouts)
    callouts_html = (
        f'<div class="callouts"><b>Call-outs drawn over the table</b><ul>{callouts}</ul></div>' if callouts else ""
    )
    heading = f'<p class="table-heading">{_esc(table.heading)}</p>' if table.heading else ""
    above = notes_html if table.note_position == "above" else ""
    below = notes_html if table.note_position != "above" else ""
    return (
        f'<figure class="table-figure" id="table-{_esc(table.id)}"><figcaption>{caption} '
        f'<span class="meta">{_esc(table.id)} · {meta}</span></figcaption>{heading}{above}'
        f'<div class="table-scroll"><table class="extracted-table" data-table-id="{_esc(table.id)}">'
        f"{''.join(rows)}</table></div>{below}{callouts_html}</figure>"
    )


def figure_html(figure: Figure) -> str:
    """A figure's caption, kind and, for a chart read as data, its values as a table
    (measured values in italics); else why it was not read."""
    caption = _esc(figure.caption) if figure.caption else "<i>uncaptioned</i>"
    meta = f"{figure.kind}" + (f", {figure.orientation}" if figure.orientation else "")
    meta += f", unit {figure.unit}" if figure.unit else ""
    head = "<tr><th>category</th>" + "".join(f"<th>{_esc(s.name or 'value')}</th>" for s in figure.series) + "</tr>"
    rows = []
    for k, category in enumerate(figure.categories):
        cells = []
        for series in figure.series:
            value = series.values[k] if k < len(series.values) else None
            text = "" if value is None or value.value is None else f"{value.value:g}"
            cells.append(f"<td><i>{text}</i></td>" if value is not None and value.measured else f"<td>{text}</td>")
        rows.append(f"<tr><th>{_esc(category)}</th>{''.join(cells)}</tr>")
    data = (
        f'<div class="table-scroll"><table class="extracted-table chart-data" data-figure-id="{_esc(figure.id)}">'
        f"{head}{''.join(rows)}</table></div>"
        if figure.series
        else ""
    )
    note = f'<p class="data-note">{_esc(figure.data_note)}</p>' if figure.data_note else ""
    notes = "".join(f"<li>{_lines(n.text)}</li>" for n in figure.notes)
    return (
        f'<figure class="chart-figure" id="figure-{_esc(figure.id)}"><figcaption>{caption} '
        f'<span class="meta">{_esc(figure.id)} · {_esc(meta)}</span></figcaption>{data}{note}'
        f"{f'<ul class=notes>{notes}</ul>' if notes else ''}</figure>"
    )


def _question_pages(question: Question) -> list[int]:
    pages = {s.page for s in question.sources} | {s.page for a in question.answers for s in a.sources}
    return sorted(pages)


def question_card(grid: QAGrid, question: Question) -> str:
    answers = []
    for answer in question.answers:
        if answer.items is None:
            body = f'<p class="no-answer">{_esc(answer.no_answer_text or NO_ANSWER_WORDS[0])}</p>'
        else:
            items = "".join(
                f'<li class="level-{item.level}">'
                + (f'<span class="marker">{_esc(item.marker)}</span> ' if item.marker else "")
                + f"{_lines(item.text)}</li>"
                for item in answer.items
            )
            body = f'<ul class="qa-items">{items}</ul>'
        answers.append(
            f'<div class="qa-answer" data-respondent="{_esc(answer.respondent)}">'
            f"<h5>{_esc(answer.respondent)}</h5>{body}</div>"
        )
    pages = ", ".join(str(p) for p in _question_pages(question))
    return (
        f'<article class="qa-question" id="{_esc(_question_anchor(grid, question))}" '
        f'data-grid="{_esc(grid.caption_id)}" data-question="{question.number}">'
        f'<h4><span class="qa-label">{_esc(question.label)}</span> {_lines(question.text)}'
        f' <span class="meta">pages {pages}</span></h4>'
        f'<div class="qa-answers">{"".join(answers)}</div></article>'
    )


def _question_anchor(grid: QAGrid, question: Question) -> str:
    return f"q-{grid.caption_id or grid.pages[0]}-{question.number}"


def grid_header(grid: QAGrid) -> str:
    respondents = "、".join(grid.respondents)
    return (
        f'<div class="qa-grid-header" data-grid="{_esc(grid.caption_id)}">'
        f"<b>{_esc(grid.caption or grid.caption_id)}</b>"
        f' <span class="meta">{len(grid.questions)} questions × {len(grid.respondents)} respondents '
        f"({_esc(respondents)}); pages {', '.join(map(str, grid.pages))}</span></div>"
    )


def qa_cards_for_page(grids: list[QAGrid], page: int) -> str:
    """Question cards whose first printed page is ``page``; a stub where one continues."""
    out = []
    for grid in grids:
        if page not in grid.pages:
            continue
        if page == grid.pages[0]:
            out.append(grid_header(grid))
        for question in grid.questions:
            pages = _question_pages(question) or [grid.pages[0]]
            if page == pages[0]:
                out.append(question_card(grid, question))
            elif page in pages:
                out.append(
                    f'<p class="qa-continued">{_esc(question.label)} continues here: see '
                    f'<a href="#{_esc(_question_anchor(grid, question))}">page {pages[0]}</a></p>'
                )
    return f'<div class="qa-cards">{"".join(out)}</div>' if out else ""


# ---------------------------------------------------------------------------
# The page


STYLE = """
:root { --block:#1f77b4; --table:#d62728; --cell:#ff9896; --callout:#9467bd; --figure:#ff7f0e; }
* { box-sizing: border-box; }
body { margin: 0; font-family: FONTS; font-size: 14px; line-height: 1.5; color: #222; background: #f3f3f3; }
header.report { padding: 12px 20px; background: #fff; border-bottom: 1px solid #ccc; position: sticky; top: 0; z-index: 5; }
header.report h1 { font-size: 18px; margin: 0 0 4px; }
header.report nav a { margin-right: 6px; font-size: 12px; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; border: 2px solid; margin-right: 4px; vertical-align: -2px; }
section.page { display: flex; gap: 16px; padding: 16px 20px; border-bottom: 2px solid #ccc; align-items: flex-start; }
.page-view { position: sticky; top: 90px; flex: 0 0 55%; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.page-view img { display: block; width: 100%; height: auto; }
.page-view svg.overlay { position: absolute; inset: 0; width: 100%; height: 100%; }
.ov-table { fill: none; stroke: var(--table); stroke-width: 1.5; }
.ov-figure { fill: rgba(255,127,14,.05); stroke: var(--figure); stroke-width: 1.5; stroke-dasharray: 6 3; }
figure.chart-figure { margin: 10px 0; border-left: 3px solid var(--figure); padding-left: 6px; }
.data-note { font-size: 11px; color: #a50; }
.ov-cell { fill: rgba(255,152,150,.06); stroke: var(--cell); stroke-width: .5; }
.ov-callout { fill: rgba(148,103,189,.12); stroke: var(--callout); stroke-width: 1; stroke-dasharray: 3 2; }
.ov-block { fill: rgba(31,119,180,.07); stroke: var(--block); stroke-width: .8; }
.ov-heading { stroke: #2ca02c; } .ov-note { stroke: #8c564b; } .ov-caption { stroke: #e377c2; }
.ov-label { font: bold 7px sans-serif; fill: var(--block); text-anchor: end; }
.extracted { flex: 1 1 45%; min-width: 0; background: #fff; padding: 8px 14px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.extracted h2 { font-size: 16px; margin: 4px 0 8px; }
.furniture { font-size: 12px; color: #555; margin-bottom: 6px; }
ol.blocks { list-style: none; padding: 0; margin: 0 0 10px; }
li.block { margin: 4px 0; padding: 2px 6px; border-left: 3px solid var(--block); }
li.block-heading { font-weight: bold; border-color: #2ca02c; } li.block-note { color: #555; border-color: #8c564b; }
.badge { font-size: 10px; color: #fff; background: #777; border-radius: 3px; padding: 0 4px; margin-right: 4px; }
.marker { color: #c00; }
figure.table-figure { margin: 10px 0; }
figcaption { font-weight: bold; margin-bottom: 4px; }
.meta { font-weight: normal; font-size: 11px; color: #777; }
.table-scroll { overflow-x: auto; }
table.extracted-table { border-collapse: collapse; font-size: 11px; }
table.extracted-table th, table.extracted-table td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; min-width: 4.5em; }
table.extracted-table th { background: #e8eef7; }
ul.notes, .callouts { font-size: 11px; color: #555; }
.qa-grid-header { margin: 8px 0; padding: 4px 8px; background: #fdf3e1; }
article.qa-question { border: 1px solid #ccc; border-radius: 4px; margin: 8px 0; padding: 6px 8px; }
article.qa-question h4 { margin: 0 0 6px; font-size: 13px; }
.qa-label { background: #444; color: #fff; padding: 0 4px; border-radius: 3px; }
.qa-answers { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 6px; }
.qa-answer { background: #fafafa; border: 1px solid #e3e3e3; padding: 4px 6px; font-size: 12px; }
.qa-answer h5 { margin: 0 0 2px; font-size: 12px; }
ul.qa-items { margin: 0; padding-left: 0; list-style: none; } ul.qa-items li.level-1 { margin-left: 1em; }
.no-answer { color: #999; font-style: italic; margin: 0; }
.qa-continued { font-size: 12px; color: #555; }
details.grid-part summary { cursor: pointer; font-size: 12px; color: #555; margin: 6px 0; }
""".replace("FONTS", CJK_FONT_STACK)


def _page_section(
    number: int, image_uri: str, view: tuple, report: SurveyReport, blocks: list[Block], tables: list[Table]
) -> str:
    figures = [f for f in report.figures if f.page == number]
    page = next((p for p in report.pages if p.number == number), None)
    furniture = []
    if page is not None:
        if page.section:
            furniture.append(f"section: <b>{_esc(page.section)}</b>")
        if page.heading:
            furniture.append(f"heading: <b>{_esc(page.heading)}</b>")
        if page.printed_page_number is not None:
            furniture.append(f"printed page: {page.printed_page_number}")
    width, height = view[2] - view[0], view[3] - view[1]
    content = [f'<h2>Page {number}</h2><div class="furniture">{" · ".join(furniture) or "no furniture found"}</div>']
    if blocks:
        content.append(
            '<ol class="blocks">' + "".join(block_html(i, b) for i, b in enumerate(blocks, start=1)) + "</ol>"
        )
    # A Q&A grid part is read as question cards; its printed table stays one click away.
    grid_parts = {table_id for grid in report.qa_grids for table_id in grid.table_ids}
    content += [figure_html(figure) for figure in figures]
    content += [table_html(table) for table in tables if table.id not in grid_parts]
    content.append(qa_cards_for_page(report.qa_grids, number))
    content += [
        f'<details class="grid-part"><summary>printed grid part {_esc(table.id)}</summary>{table_html(table)}</details>'
        for table in tables
        if table.id in grid_parts
    ]
    return (
        f'<section class="page" id="page-{number}" data-page="{number}">'
        f'<div class="page-view" style="aspect-ratio:{width:.2f}/{height:.2f}">'
        f'<img class="page-image" data-page="{number}" alt="page {number}" src="{image_uri}">'
        f"{overlay_svg(view, blocks, tables, figures)}</div>"
        f'<div class="extracted">{"".join(content)}</div></section>'
    )


def _as_report(report: SurveyReport | dict) -> SurveyReport:
    return report if isinstance(report, SurveyReport) else SurveyReport.model_validate(report)


def check_pdf(report: SurveyReport, pdf_path: Path) -> None:
    """The PDF must be the one the report was made from (same bytes when the report says)."""
    from extractors.source import sha256_of  # the fingerprint ingest took (imports pdfplumber, like review_html)

    if not pdf_path.is_file():
        raise ReviewError(f"no such PDF: {pdf_path}")
    expected = report.source.sha256
    if len(expected) == 64 and sha256_of(pdf_path) != expected:
        raise ReviewError(f"{pdf_path} is not the PDF this report was made from (sha256 differs)")


def review_html(
    report: SurveyReport | dict,
    pdf_path: str | Path,
    settings: ReviewSettings = ReviewSettings(),
    pages: Iterable[int] | None = None,
) -> str:
    """The review page as a string; ``pages`` (1-based) limits it to some pages."""
    import pdfplumber

    report = _as_report(report)
    pdf_path = Path(pdf_path)
    check_pdf(report, pdf_path)
    blocks_by_page: dict[int, list[Block]] = {}
    for block in report.blocks:
        blocks_by_page.setdefault(block.page, []).append(block)
    tables_by_page: dict[int, list[Table]] = {}
    for table in report.tables:
        tables_by_page.setdefault(table.page, []).append(table)
    wanted = set(pages) if pages is not None else None
    sections, numbers = [], []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if wanted is not None and number not in wanted:
                continue
            numbers.append(number)
            uri = page_image_uri(page, settings)
            sections.append(
                _page_section(
                    number,
                    uri,
                    tuple(float(v) for v in page.bbox),
                    report,
                    blocks_by_page.get(number, []),
                    tables_by_page.get(number, []),
                )
            )
            page.flush_cache()
    title = f"Review — {report.source.file}"
    nav = " ".join(f'<a href="#page-{n}">{n}</a>' for n in numbers)
    summary = (
        f"{report.source.page_count} pages · {len(report.blocks)} blocks · {len(report.tables)} tables · "
        f"{len(report.qa_grids)} Q&amp;A grids · {len(report.figures)} figures · schema {_esc(report.schema_version)} · "
        f"pipeline {_esc(report.pipeline.version)}{' + NLP' if report.pipeline.nlp else ''}"
    )
    legend = (
        '<div class="legend"><span><i style="border-color:var(--block)"></i>block (number = reading order)</span>'
        '<span><i style="border-color:var(--table)"></i>table</span><span><i style="border-color:var(--cell)">'
        '</i>cell</span><span><i style="border-color:var(--callout)"></i>call-out</span>'
        '<span><i style="border-color:var(--figure)"></i>figure</span></div>'
    )
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_esc(title)}</title>'
        f'<style>{STYLE}</style></head><body><header class="report"><h1>{_esc(title)}</h1>'
        f'<div class="meta">{summary}</div>{legend}<nav>pages: {nav}</nav></header>'
        f"<main>{''.join(sections)}</main></body></html>"
    )


def review_path(report: SurveyReport, out_dir: Path) -> Path:
    return out_dir / f"{Path(report.source.file).stem}{REVIEW_SUFFIX}"


def write_review(
    report: SurveyReport | dict,
    pdf_path: str | Path,
    out_dir: str | Path,
    settings: ReviewSettings = ReviewSettings(),
    pages: Iterable[int] | None = None,
) -> Path:
    """Write ``OUT_DIR/<stem>.review.html`` (atomically) and return its path."""
    report = _as_report(report)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = review_html(report, pdf_path, settings, pages)
    path = review_path(report, out_dir)
    return write_text_atomic(path, text)


def review_command(report_json: Path, pdf: Path | None, out: Path, pages: Iterable[int] | None = None) -> Path:
    """``survey-ingest review OUT.json [--pdf PDF] --out DIR``: the PDF defaults to the
    report's source file name beside the JSON."""
    import json

    from docmodel.io import from_data  # validates; reads schema 1-x files too

    data = json.loads(Path(report_json).read_text(encoding="utf-8"))
    report = from_data(data)
    pdf_path = Path(pdf) if pdf is not None else Path(report_json).parent / report.source.file
    if not pdf_path.is_file():
        raise ReviewError(f"PDF not found at {pdf_path}; pass it with --pdf")
    return write_review(report, pdf_path, out, pages=pages)
