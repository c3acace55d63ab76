"""The survey vocabulary: the words reports print around their content, in one place.

Only words that say what a thing *is* (a question label, a table number, a page
number, a no-answer) belong here; never the name of a file, a caption or an institution.
"""

from __future__ import annotations

import re

DIGIT = "[0-9０-９]"
# Dashes that separate the parts of a number (「表5-4」「表５－４」「第１-１-２図」).
DASH = "[-－‐‑–—−ー]"
# A number with dash-separated sub-numbers.
NUMBER = rf"{DIGIT}+(?:\s*{DASH}\s*{DIGIT}+)*"

# Question labels: 「質問1」「設問1」「問1」「Q1」「Ｑ１」 (full or half width).
QUESTION_WORDS = ("質問", "設問", "問", "Q", "Ｑ")
_QUESTION_WORD = "(?:" + "|".join(QUESTION_WORDS) + ")"
QUESTION_LABEL = re.compile(rf"^\s*({_QUESTION_WORD}\s*({DIGIT}+))(?!{DIGIT})")
# 「質問３の回答を参照」「質問１の回答参照」「質問10の回答も参照」「質問1の回答より」.
QUESTION_REFERENCE = re.compile(rf"{_QUESTION_WORD}\s*({DIGIT}+)\s*(?:の回答)?\s*(?:を|も|にも|に)?\s*(?:参照|より)")

# What a cell prints instead of an answer (its whole first line): words, or a dash alone.
NO_ANSWER_WORDS = ("回答なし", "回答無し", "無回答", "該当なし", "該当無し")
NO_ANSWER = re.compile("^(?:" + "|".join(NO_ANSWER_WORDS) + r"|[―—－\-‐−]+)$")

# Words a caption numbers a table or a figure with, longest first (付表 before 表).
TABLE_CAPTION_WORDS = ("参考表", "付表", "附表", "別表", "表")
FIGURE_CAPTION_WORDS = ("参考図表", "参考図", "付図", "図表", "図")
# 「第１-１-２図」: the number between 第 and the word.
ORDINAL_TABLE_WORDS = ("表",)
ORDINAL_FIGURE_WORDS = ("図",)
# English captions: 「Figure 2」「Fig. 2」「Table 3」.
LATIN_TABLE_WORDS = ("Table",)
LATIN_FIGURE_WORDS = ("Figure", "Fig.", "Fig")

# A printed page number alone on its line: digits, maybe dressed as 「- 3 -」 or 「p. 3」.
PRINTED_PAGE_NUMBER = re.compile(rf"^\s*(?:[-－–—‐]\s*)?(?:[pP]\.?\s*)?({DIGIT}{{1,4}})(?:\s*[-－–—‐])?\s*$")
