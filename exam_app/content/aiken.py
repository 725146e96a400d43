"""Read Aiken files: single-choice questions, as Moodle's Aiken importer reads them.

    题干（可多行）
    A. 选项
    B. 选项
    ANSWER: B

Questions are separated by blank lines. "A)" and the Chinese "A、" "A．" are accepted, and so
is "答案：B"; several letters ("ANSWER: AC") make a multiple-choice item (少选不得分).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .build import Draft, DraftOption
from .gift import blocks
from .imported import (
    PLACEHOLDER_ID,
    IdAssigner,
    ImportedBank,
    build_row,
    decode_text_upload,
    problem_text,
)
from .kinds import LABELS
from .lines import nfkc
from .model import ContentError

OPTION_RE = re.compile(r"^([A-Z])\s*[.)、．）]\s*(.*)$")
ANSWER_RE = re.compile(r"^(?:ANSWER|答案)\s*[:：]\s*(.*)$", re.IGNORECASE)


def read_aiken(data: bytes | str, name: str, default_topic: str = "") -> ImportedBank:
    result = ImportedBank()
    data = decode_text_upload(data, name, result)
    if data is None:
        return result
    if not default_topic.strip():
        result.errors.append(ContentError(name, 0, "Aiken 文件不含知识点：导入时请填写知识点"))
        return result
    ids = IdAssigner(result, name)
    pending = []
    for block in blocks(data):
        draft = _draft(block, name, default_topic, result)
        if draft is not None:
            line = block[0][0]
            spec = build_row(draft, name, line, result, problem_text)
            if spec is not None:
                pending.append((spec, line))
    result.questions = [ids.generated(spec, line) for spec, line in pending]
    return result


def _draft(block, name: str, topic: str, result: ImportedBank) -> Draft | None:
    def bad(line: int, message: str) -> None:
        result.errors.append(ContentError(name, line, message))

    stem: list[str] = []
    options: list[tuple[int, str, str]] = []
    answer: tuple[int, str] | None = None
    for line, text in block:
        option = OPTION_RE.match(nfkc(text[:3]) + text[3:]) if not answer else None
        if answer is not None:
            bad(line, "“ANSWER:”之后不应再有内容；题目之间要空一行")
            return None
        if match := ANSWER_RE.match(text):
            answer = (line, match.group(1))
        elif option and (options or stem):
            options.append((line, option.group(1), option.group(2).strip()))
        elif options:
            bad(line, "选项之后只能写“ANSWER: 字母”")
            return None
        else:
            stem.append(text)
    first = block[0][0]
    if answer is None:
        bad(block[-1][0], "缺少答案行，如“ANSWER: B”")
        return None
    expected = list(LABELS[: len(options)])
    if [label for _, label, _ in options] != expected:
        bad(first, "选项应从 A 起依次编号（A. B. C. …）")
        return None
    letters = re.sub(r"[\s,，、]", "", nfkc(answer[1]).upper())
    if not letters or not all(letter in expected for letter in letters):
        bad(answer[0], f"答案“{answer[1]}”应为选项中的字母")
        return None
    return Draft(
        id=PLACEHOLDER_ID,
        kind="single" if len(letters) == 1 else "multi",
        topic=topic,
        points=Decimal(1),
        stem="\n".join(stem),
        options=[DraftOption(text, label in letters) for _, label, text in options],
    )
