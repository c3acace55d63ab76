"""Line breaking: kinsoku, what counts as Latin, and the one wrap-joining rule."""

import pytest

from extractors.text.linebreak import can_break, is_latin, join_wrapped_lines, wrap_joiner


def test_kinsoku_pairs_never_split():
    assert not can_break("（", "内")  # an opening bracket never ends a line
    assert not can_break("究", "、")  # a comma never starts one
    assert not can_break("※", "1")  # ※ sticks to its number
    assert not can_break("研", "ッ")  # nor does a small kana start one
    assert can_break("研", "究")


def test_latin_words_stick_to_what_follows():
    assert not can_break("0", "名")  # 「2,300名」
    assert not can_break("。", "E")  # 「る。EUREKA」
    assert not can_break("n", "の")  # 「Finlandの」
    assert can_break(" ", "E")  # after a printed space a line may break


@pytest.mark.parametrize("ch", ["a", "Z", "7", ",", ".", "&", "-", "é", "Ｒ", "５"])
def test_latin(ch):
    assert is_latin(ch)


@pytest.mark.parametrize("ch", ["研", "の", "ア", "、", "（", " "])
def test_not_latin(ch):
    assert not is_latin(ch)


@pytest.mark.parametrize(
    ("left", "right", "joiner"),
    [
        ("研究", "開発", ""),
        ("International Engagement", "Office", " "),
        ("MIT Center for", "International Studies", " "),
        ("R&D", "プロジェクト", ""),
        ("の研究者", "MIT", ""),
        ("(CIS)", "is", " "),
        ("2021年", "8月", ""),
        ("", "abc", ""),
    ],
)
def test_wrap_joiner_from_text(left, right, joiner):
    assert wrap_joiner(left, right) == joiner


def test_wrap_joiner_with_the_printed_layout():
    # A space printed at the wrap is a space whatever the script.
    assert wrap_joiner("研究", "開発", printed_space=True) == " "
    # No space printed between two word characters: the breaker cut inside a word.
    assert wrap_joiner("T", "SMC", printed_space=False) == ""
    assert wrap_joiner("Research,", "Council", printed_space=False) == " "


def test_join_wrapped_lines_joins_japanese_without_space_and_latin_with_one():
    assert join_wrapped_lines(["国際共同研究の推", "進のための調査"]) == "国際共同研究の推進のための調査"
    assert join_wrapped_lines(["Scientific  ", "  Council は"]) == "Scientific Council は"
    joined = join_wrapped_lines(["UKRIは日本との協力に熱心。R&Dプロ", "ジェクト"])
    assert joined == "UKRIは日本との協力に熱心。R&Dプロジェクト"
    assert join_wrapped_lines(["one line"]) == "one line"
    assert join_wrapped_lines([]) == ""
