"""What an import file (Excel, GIFT, Aiken, Word/text) reads into, and the id rules the readers share."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field

from .build import Draft, Problem, build
from .lines import ID_RE
from .model import CaseSpec, ContentError, QuestionSpec

GENERATED_PREFIX = "imp-"


@dataclass
class ImportedBank:
    questions: list[QuestionSpec] = field(default_factory=list)  # all, case ones with case_id
    cases: list[CaseSpec] = field(default_factory=list)  # cases the file defines
    errors: list[ContentError] = field(default_factory=list)  # any error: import nothing
    skipped: list[ContentError] = field(default_factory=list)  # kinds we do not have
    warnings: list[ContentError] = field(default_factory=list)  # imported, needs work
    # Where a line is, when a line number is not what the lead sees (a Word file's
    # "第 3 段" or "表格 1 第 2 行第 1 列"); lines not named here are "第 N 行".
    places: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def place(self, line: int) -> str:
        if not line:
            return "文件"
        return self.places.get(line) or f"第 {line} 行"


MAX_TEXT_BYTES = 5_000_000


def decode_text_upload(data: bytes | str, name: str, result: ImportedBank) -> str | None:
    """A text upload (GIFT, Aiken) as str, or None with the reason added to `result`."""
    if isinstance(data, str):
        return data
    if len(data) > MAX_TEXT_BYTES:
        result.errors.append(ContentError(name, 0, "文件过大：最多 5 MB"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        result.errors.append(ContentError(name, line, "文件不是 UTF-8 编码，请另存为 UTF-8"))
        return None


def slug(name: str) -> str:
    """A name as an id if it can be one: "Kanji Origins" -> "kanji-origins"."""
    text = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return text[:80].rstrip("-")


class IdAssigner:
    """Explicit ids are kept (a repeat is an error); others get a stable generated id.

    A generated id is a hash of the content, so importing the same file twice finds the
    same items again instead of adding copies.
    """

    def __init__(self, result: ImportedBank, file: str):
        self.result = result
        self.file = file
        self.used: dict[str, int] = {}

    def explicit(self, uid: str, line: int) -> bool:
        if uid in self.used:
            self.result.errors.append(
                ContentError(self.file, line, f"编号“{uid}”重复：第 {self.used[uid]} 行已使用")
            )
            return False
        self.used[uid] = line
        return True

    def preferred(self, name: str, line: int) -> str | None:
        """A name (GIFT ::name::) when it is, or slugs to, an unused id."""
        for candidate in (name.strip(), slug(name)):
            if candidate and ID_RE.match(candidate) and candidate not in self.used:
                self.used[candidate] = line
                return candidate
        return None

    def generated(self, spec: QuestionSpec, line: int) -> QuestionSpec:
        content = {k: v for k, v in spec.canonical().items() if k != "id"}
        text = json.dumps(content, ensure_ascii=False, sort_keys=True)
        base = GENERATED_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        uid, n = base, 1
        while uid in self.used:
            n += 1
            uid = f"{base}-{n}"
        self.used[uid] = line
        return dataclasses.replace(spec, id=uid)


PLACEHOLDER_ID = "x"


def build_row(
    draft: Draft, file: str, line: int, result: ImportedBank, where=lambda p: p.message
) -> QuestionSpec | None:
    """Build one item and file its problems; the id may still be a placeholder."""
    spec, problems = build(draft, file, line)
    for p in problems:
        (result.warnings if p.warning else result.errors).append(ContentError(file, line, where(p)))
    return spec


def problem_text(p: Problem) -> str:
    return f"「{p.field}」{p.message}"
