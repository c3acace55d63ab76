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

# Words a caption numbers a table or a figure with (the grammar tries the longest first:
# 付属統計表 before 統計表 before 表). 図表 numbers tables and charts alike in white
# papers; it is read as a table word, which a caption over a chart does not contradict
# (the table stage only looks for captions beside ruled tables).
TABLE_CAPTION_WORDS = ("付属統計表", "統計表", "参考表", "付表", "附表", "別表", "図表", "表")
FIGURE_CAPTION_WORDS = ("参考図表", "参考図", "付図", "図")
# Of those, the words that number charts as well as tables: a figure's caption may use them.
FIGURE_OR_TABLE_CAPTION_WORDS = ("図表",)
# Words that number a reference annex (「参考１ …」「（参考2）…」): an id to match by, not a
# table or figure caption of its own.
REFERENCE_CAPTION_WORDS = ("参考",)
# Roman numerals a number may start with (「図表Ⅰ-4-1-1」: part Ⅰ of a white paper).
ROMAN = "[Ⅰ-Ⅻ]"
# A caption number: digits or a roman numeral, then dash- or dot-separated sub-numbers
# (「表5-4」「表５－４」「図表Ⅰ-4-1」「表1.2」). A dot joins a sub-number of one or two
# digits printed right after it; 「図1．2020年の推移」 is figure 1 and its title.
CAPTION_NUMBER = rf"(?:{ROMAN}|{DIGIT}+)(?:\s*{DASH}\s*{DIGIT}+|[.．・]{DIGIT}{{1,2}}(?!{DIGIT}))*"
# Brackets a caption may be printed in, opening → closing: 「＜図表7：…＞」「【表1】…」「（参考1）…」.
CAPTION_BRACKETS = dict(zip("＜<【〔［[（(《〈", "＞>】〕］]）)》〉", strict=True))
# What may stand between a caption's number and its title: 「図表7：…」「図1．概要」「表2 …」.
CAPTION_SEPARATORS = "：:．.　 "
# 「第１-１-２図」: the number between 第 and the word.
ORDINAL_TABLE_WORDS = ("表",)
ORDINAL_FIGURE_WORDS = ("図",)
# English captions: 「Figure 2」「Fig. 2」「Table 3」.
LATIN_TABLE_WORDS = ("Table",)
LATIN_FIGURE_WORDS = ("Figure", "Fig.", "Fig")

# A printed page number alone on its line: digits, maybe dressed as 「- 3 -」 or 「p. 3」.
PRINTED_PAGE_NUMBER = re.compile(rf"^\s*(?:[-－–—‐]\s*)?(?:[pP]\.?\s*)?({DIGIT}{{1,4}})(?:\s*[-－–—‐])?\s*$")
