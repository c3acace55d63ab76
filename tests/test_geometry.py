"""The one box type and the named tolerances; lines keep the indices of their chars."""

from helpers import chars_of

from extractors.geometry import SAME_TYPE_SIZE_PT, BBox, middle_of, same_type_size
from extractors.page.lines import group_lines
from extractors.page.table_text import cell_visual_lines


def test_box_helpers():
    box = BBox(x0=10, top=20, x1=50, bottom=40)
    assert (box.width, box.height, box.middle) == (40, 20, (30, 30))
    assert box.contains(10, 40) and not box.contains(51, 30)
    assert box.overlaps({"x0": 45, "top": 35, "x1": 60, "bottom": 60})
    assert not box.overlaps(BBox(x0=50, top=20, x1=60, bottom=40))  # touching is not overlapping
    assert BBox.union([box, {"x0": 0, "top": 25, "x1": 20, "bottom": 45}]) == BBox(x0=0, top=20, x1=50, bottom=45)
    assert BBox.of(box) is box


def test_same_type_size_allows_export_rounding_only():
    assert same_type_size(10.5, 10.44) and same_type_size(10.5, 10.5 + SAME_TYPE_SIZE_PT)
    assert not same_type_size(10.5, 12.0)
    assert middle_of({"x0": 0, "top": 0, "x1": 4, "bottom": 2}) == (2, 1)


def test_lines_keep_the_indices_of_their_chars():
    chars = chars_of("研究", 0, 0, size=10) + chars_of("開発", 0, 20, size=10)
    lines = group_lines(chars)
    assert [line.char_ids for line in lines] == [[0, 1], [2, 3]]
    assert lines[1].bbox == BBox(x0=0, top=20, x1=20, bottom=30)


def test_cell_lines_keep_page_indices_when_runs_merge():
    # Two runs on one baseline, written in reverse order: merged into one line by x.
    chars = chars_of("発", 10, 0, size=10) + chars_of("開", 0, 0, size=10)
    lines = cell_visual_lines(chars, char_ids=[7, 3])
    assert [(line.raw_text, line.char_ids) for line in lines] == [("開発", [3, 7])]
