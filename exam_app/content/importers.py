"""The import formats, in one registry: the CLI, the bank's import page and its preview all
read a file through here, so a format is added in one place and behaves alike everywhere.

Every reader takes (data, file name, topic for the batch, difficulty for the batch) and
returns an ImportedBank. Formats that carry no difficulty (GIFT, Aiken, Word/text) give
their items the batch's; Excel keeps its 难度 column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from .aiken import read_aiken
from .excel_read import read_workbook
from .gift import read_gift
from .imported import ImportedBank
from .old_files import old_word as old_word
from .word_docx import read_docx
from .word_text import read_word_text

Reader = Callable[[bytes, str, str, int], ImportedBank]


@dataclass(frozen=True)
class Importer:
    key: str  # stored with a staged upload and given to --format
    label: str  # what the lead picks from
    extensions: tuple[str, ...]  # a file name ending so is read in this format
    read: Reader
    pasteable: bool  # plain text: may be pasted into the import page's text box
    needs_topic: bool  # the file names no 知识点: the batch's topic is required


def _with_difficulty(reader) -> Reader:
    def read(data, name: str, topic: str, difficulty: int) -> ImportedBank:
        bank = reader(data, name, topic)
        if difficulty != 3:
            bank.questions = [dataclasses.replace(q, difficulty=difficulty) for q in bank.questions]
        return bank

    return read


IMPORTERS: dict[str, Importer] = {
    importer.key: importer
    for importer in (
        Importer(
            "excel", "Excel（.xlsx）", (".xlsx", ".xlsm"),
            lambda data, name, topic, _difficulty: read_workbook(data, name, topic),
            pasteable=False, needs_topic=False,
        ),
        Importer("word", "Word 题库（.docx）", (".docx",), read_docx, pasteable=False,
                 needs_topic=True),
        Importer("text", "文本题库（与 Word 题库写法相同）", (), read_word_text, pasteable=True,
                 needs_topic=True),
        Importer("gift", "Moodle GIFT", (".gift", ".gift.txt"), _with_difficulty(read_gift),
                 pasteable=True, needs_topic=False),
        Importer("aiken", "Aiken", (), _with_difficulty(read_aiken), pasteable=True,
                 needs_topic=True),
    )
}  # fmt: skip
PASTE_DEFAULT = "text"


def guess_format(filename: str) -> str | None:
    name = filename.lower()
    for importer in sorted(IMPORTERS.values(), key=lambda i: -max(map(len, i.extensions or ("",)))):
        if importer.extensions and name.endswith(importer.extensions):
            return importer.key
    return None


def format_names() -> str:
    return "、".join(importer.label.split("（")[0] for importer in IMPORTERS.values())


def read_import(data: bytes | str, name: str, fmt: str, topic: str = "", difficulty: int = 3):
    return IMPORTERS[fmt].read(data, name, topic.strip(), difficulty)
