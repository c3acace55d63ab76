"""The survey vocabulary: question labels, references, no-answers, page numbers."""

import pytest

from extractors.text.lexicon import NO_ANSWER, PRINTED_PAGE_NUMBER, QUESTION_LABEL, QUESTION_REFERENCE


@pytest.mark.parametrize(
    ("text", "label", "digits"),
    [
        ("質問1 方針", "質問1", "1"),
        ("質問１２", "質問１２", "１２"),
        ("設問3", "設問3", "3"),
        ("問4", "問4", "4"),
        ("Q5.", "Q5", "5"),
        ("Ｑ６", "Ｑ６", "６"),
    ],
)
def test_question_labels_in_full_and_half_width(text, label, digits):
    match = QUESTION_LABEL.match(text)
    assert match and (match.group(1), match.group(2)) == (label, digits)


def test_not_question_labels():
    assert not QUESTION_LABEL.match("質問内容")
    assert not QUESTION_LABEL.match("問題点")


def test_question_references():
    text = "質問３の回答を参照。質問10の回答も参照。Ｑ1の回答より"
    assert [m.group(1) for m in QUESTION_REFERENCE.finditer(text)] == ["３", "10", "1"]
    assert not QUESTION_REFERENCE.search("2017戦略レポート参照。")


@pytest.mark.parametrize("text", ["回答なし", "該当なし", "無回答", "―", "－", "--"])
def test_no_answer_words(text):
    assert NO_ANSWER.match(text)


@pytest.mark.parametrize("text", ["回答なしの理由", "・回答なし", "特になし。"])
def test_answers_that_mention_no_answer(text):
    assert not NO_ANSWER.match(text)


@pytest.mark.parametrize(("text", "number"), [("12", "12"), ("- 3 -", "3"), ("p. 7", "7"), ("－１５－", "１５")])
def test_printed_page_numbers(text, number):
    assert PRINTED_PAGE_NUMBER.match(text).group(1) == number


@pytest.mark.parametrize("text", ["2021年", "表1", "12345", "3.5"])
def test_not_page_numbers(text):
    assert not PRINTED_PAGE_NUMBER.match(text)
