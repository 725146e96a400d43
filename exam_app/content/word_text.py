"""Read a question bank written the way Chinese banks are written in Word or plain text.

    一、单项选择题（每题2分）
    1. 用户逾期未交电费，供电企业可以每日按电费总额的（  ）加收违约金。
    A．1‰至2‰   B．1‰至3‰   C．2‰至5‰
    答案：B
    解析：《电力供应与使用条例》第三十九条。

What is understood (and nothing else: every line that fits none of these is reported by its
line, with its first characters, and the whole bank is refused):

- Section headings ``一、单项选择题（每题2分）`` set the kind and the points of the items under
  them: 单项选择题/单选题, 多项选择题/多选题, 判断题/是非题, 填空题, 简答题/问答题/论述题/简述题.
  The points come from ``每题 2 分`` / ``每小题2分`` / ``每空 1 分`` (times the blanks), or from
  ``（5分）`` at the end of an item's first or last stem line, which wins.
- Items start with a number: ``1.`` ``2、`` ``（3）`` ``4．`` ``5）`` (full-width digits too).
- Options one per line or several on a line: ``A．…  B．…`` (``A.`` ``A、`` ``A）``, full-width
  letters ``Ａ``); options run from A without gaps.
- Answers: ``答案：B``, ``【答案】AC``, ``正确答案：A、C、D`` (also 参考答案, 标准答案); an answer or
  解析 may also follow the last option on its line after a space. 判断: √ ✓ 对 正确 是 T / × ✗ 错
  错误 否 F, on an answer line or in brackets at the end or the start of the stem ``（×）``.
- An answer in the stem's brackets ``（ B ）`` / ``（ AC ）`` (word_brackets.py says which
  brackets count); the bracket is stored empty so the key never reaches a candidate.
- Answer keys after a section or at the end (word_keys.py): ``参考答案`` then ``一、单项选择题``
  and ``1.B 2.C`` / ``1-5 BCADA``, or ``一、单项选择题答案：…`` / ``答案：1.B 2.C``. So that a key
  can reach every item, items are built only when the whole file has been read (finish).
- 填空: blanks are ``（  ）`` (empty brackets, any spaces) or ``____`` (two or more underscores);
  the answer line gives the blanks in order. Several blanks are separated by ``；`` — or, when
  there is no ``；``, by ``、``/``，`` — or, when there is neither, by spaces; the separator
  used must give exactly as many answers as there are blanks. The accepted forms of one blank
  are separated by ``/`` or ``|`` (``峰谷/峰谷分时``); an answer in quotes (``“元/千瓦时”``) is
  taken as written, slash and all.
- ``解析：…`` / ``【解析】…`` and, for 简答, ``参考答案：…`` over as many paragraphs as needed.
  Inside a 解析, a 参考答案 or a stem, numbered lines are part of the text when they run
  their own list (``（1）`` ``（2）`` under an item numbered ``1.``); a line numbered like the
  next item starts it. A line that could be either (``2.`` in the answer of item ``1.``, after
  an answer point ``1.``) is reported: write the answer's points as （1） or ①.
- 评分标准 / 评分要点 under a 简答 item: one criterion a line, levels under it
  (word_rubric.py); 评分说明 for the reviewers. Checked like a content file's rubric.
- 案例分析题 sections: cases, each a title, scenario, 依据, 出处 and its questions
  (word_cases.py); a case lacking 依据 or 出处 is refused, never completed by the importer.
- Text before the first section heading (the bank's title) is not imported and is listed as
  a notice; text anywhere else that is not part of an item is an error.

Pure: no Flask, no database, no python-docx (word_docx.py turns a .docx into these lines;
word_layouts.py holds the forms each line may take; word_parts.py what a line adds to its
section or item; word_assemble.py answers and builds the items once the whole file is read,
word_items.py turning each into a draft and saying what is wrong with it; word_reader.py
reads which line belongs where). This module: the format, and the bank from its lines.
"""

from __future__ import annotations

from .imported import IdAssigner, ImportedBank, decode_text_upload
from .lines import split_lines
from .model import ContentError
from .word_cases import case_spec
from .word_reader import Reader


def read_word_text(
    data: bytes | str, name: str, default_topic: str = "", difficulty: int = 3
) -> ImportedBank:
    """A bank in the layout above, as items ready for the import plan (all or nothing)."""
    result = ImportedBank()
    text = decode_text_upload(data, name, result)
    if text is None:
        return result
    return parse_word_text(split_lines(text), name, default_topic, difficulty, result)


def parse_word_text(
    lines: list[str],
    name: str,
    default_topic: str,
    difficulty: int = 3,
    result: ImportedBank | None = None,
) -> ImportedBank:
    result = result if result is not None else ImportedBank()
    if not default_topic.strip():
        result.errors.append(ContentError(name, 0, "Word 和文本题库不含知识点：导入时请填写知识点"))
        return result
    reader = Reader(name, default_topic.strip(), difficulty, result)
    for number, line in enumerate(lines, start=1):
        reader.line(number, line)
    reader.finish()
    result.errors.sort(key=lambda e: e.line)
    ids = IdAssigner(result, name)
    result.questions = [ids.generated(spec, line) for spec, line in reader.pending]
    result.cases = [case_spec(c, reader.topic, name, result.questions) for c in reader.cases]
    return result
