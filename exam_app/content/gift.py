"""Read Moodle GIFT files, as Moodle's own importer reads them (question/format/gift).

Questions are separated by blank lines; "//" lines are comments; "::name::", "$CATEGORY:",
"[markdown]" prefixes, "%50%" weights, "#feedback" and "####general feedback" work as in
Moodle, and so do the escapes \\ \\: \\# \\= \\{ \\} \\~ \\n. Kinds we do not have (matching,
numerical, descriptions, a choice with several full-credit answers) are skipped and named by
line; anything malformed is an error, and then nothing of the file is imported.

Moodle cannot hold everything our items hold (points, difficulty, source, rubrics, blanks
beyond one). Our export adds them as comment lines Moodle ignores and this reader uses:
"// [id:…]" and "// [tag:…]" (Moodle's own) and "// @exam-meta {json}" / "// @exam-case {json}"
(read in gift_meta.py; this module reads GIFT itself).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from .build import Draft, DraftOption
from .gift_meta import CASE_META, MetaInvalid, apply_meta, comment_id, read_meta
from .imported import (
    PLACEHOLDER_ID,
    IdAssigner,
    ImportedBank,
    build_row,
    decode_text_upload,
    problem_text,
)
from .lines import ID_RE, split_lines
from .model import CaseSpec, ContentError
from .question import MAX_SOURCE, MAX_TOPIC

# Escaped characters become private-use placeholders while the structure is parsed.
ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003",
           "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}  # fmt: skip
RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{",
           "\ue005": "}", "\ue006": "~", "\ue007": "\n"}  # fmt: skip
PLACEHOLDER_RE = re.compile("[\ue000-\ue007]")
WEIGHT_RE = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
FORMAT_RE = re.compile(r"^\[(moodle|html|plain|markdown)\]")


def escape_pre(text: str) -> str:
    for code, mark in ESCAPES.items():
        text = text.replace(code, mark)
    return text


def escape_post(text: str) -> str:
    return PLACEHOLDER_RE.sub(lambda m: RESTORE[m.group(0)], text)


def with_format(text: str) -> str:
    """Moodle's parse_text_with_format: drop a [format] prefix, unescape, trim."""
    return escape_post(FORMAT_RE.sub("", text.strip(), count=1)).strip()


def blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions: runs of non-blank lines (trimmed, as Moodle does), with line numbers."""
    found, current = [], []
    for number, line in enumerate(split_lines(text), start=1):
        if line.strip():
            current.append((number, line.strip()))
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def read_gift(data: bytes | str, name: str, default_topic: str = "") -> ImportedBank:
    result = ImportedBank()
    data = decode_text_upload(data, name, result)
    if data is None:
        return result
    if PLACEHOLDER_RE.search(data):
        line = data[: PLACEHOLDER_RE.search(data).start()].count("\n") + 1
        result.errors.append(
            ContentError(name, line, "文件含有不支持的私用区字符（U+E000–U+E007）")
        )
        return result
    reader = _Reader(name, default_topic, result)
    for block in blocks(data):
        try:
            reader.block(block)
        except _Bad as bad:
            result.errors.append(ContentError(name, bad.line, bad.message))
        except _Skip as skip:
            result.skipped.append(ContentError(name, skip.line, skip.message))
    reader.finish()
    return result


class _Skip(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _Bad(_Skip):
    pass


class _Reader:
    def __init__(self, name: str, default_topic: str, result: ImportedBank):
        self.name = name
        self.topic = default_topic
        self.result = result
        self.ids = IdAssigner(result, name)
        self.pending: list[tuple[object, int, bool]] = []
        self.cases: dict[str, CaseSpec] = {}

    def block(self, block: list[tuple[int, str]]) -> None:
        comments = [(n, t) for n, t in block if t.startswith("//")]
        body = [(n, t) for n, t in block if not t.startswith("//")]
        for n, text in comments:
            if text[2:].strip().startswith(CASE_META):
                self._case(n, text[2:].strip()[len(CASE_META) :])
        if not body:
            return
        line = body[0][0]
        text = escape_pre("\n".join(t for _, t in body)).strip()
        if text.startswith("$CATEGORY:"):
            path = [p.strip() for p in escape_post(text[len("$CATEGORY:") :]).split("/")]
            parts = [p for p in path if p and p not in ("$course$", "$system$", "$module$", "top")]
            self.topic = parts[-1] if parts else self.topic
            return
        try:
            meta = read_meta(comments)
        except MetaInvalid as e:
            raise _Bad(e.line, e.message) from None
        name = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end == -1:
                raise _Bad(line, "题目名称缺少结尾的 ::")
            name = escape_post(text[2:end]).strip()
            text = text[end + 2 :].strip()
        draft = self._draft(text, line, meta)
        draft.topic = draft.topic or self.topic
        uid = comment_id(comments) or str(meta.get("id") or "")
        self._add(draft, uid, name, line)

    def _case(self, line: int, raw: str) -> None:
        try:
            meta = json.loads(raw)
            fields = {k: str(meta[k]).strip() for k in ("id", "title", "topic", "source")}
            texts = {k: str(meta[k]) for k in ("scenario", "basis")}
        except (ValueError, KeyError, TypeError):
            raise _Bad(
                line, f"{CASE_META} 应为含 id、title、topic、source、scenario、basis 的 JSON"
            ) from None
        if not (
            ID_RE.match(fields["id"]) and fields["title"] and texts["scenario"] and texts["basis"]
        ):
            raise _Bad(line, "案例的编号、标题、情景或依据无效")
        if not (0 < len(fields["topic"]) <= MAX_TOPIC and len(fields["source"]) <= MAX_SOURCE):
            raise _Bad(line, "案例的知识点或出处过长")
        if fields["id"] in self.cases:
            raise _Bad(line, f"案例“{fields['id']}”重复")
        self.cases[fields["id"]] = CaseSpec(
            fields["id"], fields["title"], fields["topic"], texts["scenario"], texts["basis"],
            fields["source"], (), self.name, line,
        )  # fmt: skip

    def _draft(self, text: str, line: int, meta: dict) -> Draft:
        start, end = text.find("{"), text.find("}")
        if start == -1 and end == -1:
            raise _Skip(line, "说明文字（没有答案的 description），不是题目，已跳过")
        if start == -1 or end == -1 or end < start:
            raise _Bad(line, "大括号 { } 不成对：答案要写在一对 { } 中，文字中的 { } 写作 \\{ \\}")
        answer = text[start + 1 : end].strip()
        before, after = text[:start], text[end + 1 :]
        feedback = ""
        if (sep := answer.rfind("####")) != -1:
            feedback, answer = with_format(answer[sep + 4 :]), answer[:sep].strip()
        kind = _kind(answer, line)
        blank = "{{1}}" if kind == "fill" else "_____"
        stem = before + (blank + after if after.strip() else (blank if kind == "fill" else ""))
        draft = Draft(id=PLACEHOLDER_ID, kind=kind, stem=with_format(stem), points=Decimal(1))
        notes = getattr(self, f"_{kind}")(draft, answer, line)
        draft.explanation = _explanation(feedback, notes)
        try:
            apply_meta(draft, meta, line)
        except MetaInvalid as e:
            raise _Bad(e.line, e.message) from None
        return draft

    def _essay(self, draft: Draft, answer: str, line: int) -> list[str]:
        return []

    def _tf(self, draft: Draft, answer: str, line: int) -> list[str]:
        parts = answer.split("#", 2)
        verdict = parts[0].strip() in ("T", "TRUE")
        draft.answer = verdict
        wrong = with_format(parts[1]) if len(parts) > 1 else ""
        right = with_format(parts[2]) if len(parts) > 2 else ""
        chosen = {verdict: right, not verdict: wrong}
        return [f"答“{'正确' if v else '错误'}”时：{chosen[v]}" for v in (True, False) if chosen[v]]

    def _single(self, draft: Draft, answer: str, line: int) -> list[str]:
        return self._choice(draft, answer, line)

    def _multi(self, draft: Draft, answer: str, line: int) -> list[str]:
        return self._choice(draft, answer, line)

    def _choice(self, draft: Draft, answer: str, line: int) -> list[str]:
        notes = []
        parts = [p.strip() for p in answer.replace("=", "~=").split("~")]
        parts = parts[1:] if parts and not parts[0] else parts
        if len(parts) < 2:
            raise _Bad(line, "选择题至少要有 2 个选项")
        full = 0
        for part in parts:
            weight = None
            if part.startswith("="):
                correct, part, full = True, part[1:], full + 1
            else:
                weight, part = _weight(part, line)
                correct = weight is not None and weight > 0
            text, _, note = part.partition("#")
            text = with_format(text)
            if not text:
                raise _Bad(line, "选项内容为空")
            draft.options.append(DraftOption(text, correct, weight))
            if note.strip():
                notes.append(f"选“{text}”：{with_format(note)}")
        if draft.kind == "single":
            if full > 1:
                raise _Skip(line, f"单选题有 {full} 个满分答案，本系统的单选题只能有 1 个，已跳过")
            if any(o.weight for o in draft.options):
                self.result.warnings.append(
                    ContentError(
                        self.name, line, "单选题的部分得分选项（如 %50%）不支持，已按错误选项导入"
                    )
                )
            for option in draft.options:
                option.correct, option.weight = option.correct and option.weight is None, None
        else:
            draft.rule = "weighted"
            for option in draft.options:
                option.weight = option.weight or Decimal(0)
        return notes

    def _fill(self, draft: Draft, answer: str, line: int) -> list[str]:
        notes, alternatives = [], []
        for part in [p.strip() for p in answer.split("=")][1:]:
            weight, part = _weight(part, line)
            text, _, note = part.partition("#")
            text = with_format(text)
            if weight is not None and weight <= 0:
                continue  # 0% answers only carry feedback for wrong answers
            if text == "*":
                raise _Skip(line, "简答题的通配答案“*”不支持，已跳过")
            alternatives.append((text, Decimal(1) if weight is None else weight))
            if note.strip():
                notes.append(f"答“{text}”：{with_format(note)}")
        draft.blanks = [alternatives]
        return notes

    def _add(self, draft: Draft, uid: str, name: str, line: int) -> None:
        if uid and not self.ids.explicit(uid, line):
            return
        if not uid and name:
            uid = self.ids.preferred(name, line) or ""
        draft.id = uid or PLACEHOLDER_ID
        spec = build_row(draft, self.name, line, self.result, problem_text)
        if spec is not None:
            self.pending.append((spec, line, bool(uid)))

    def finish(self) -> None:
        for spec, line, named in self.pending:
            self.result.questions.append(spec if named else self.ids.generated(spec, line))
        self.result.cases = [
            CaseSpec(c.id, c.title, c.topic, c.scenario, c.basis, c.source,
                     tuple(q for q in self.result.questions if q.case_id == c.id), c.file, c.line)
            for c in self.cases.values()
        ]  # fmt: skip


def _kind(answer: str, line: int) -> str:
    if not answer:
        return "essay"
    if answer.startswith("#"):
        raise _Skip(line, "数值题（numerical）本系统不支持，已跳过")
    if "~" in answer:
        return "single" if "=" in answer else "multi"
    if "=" in answer and "->" in answer:
        raise _Skip(line, "匹配题（matching）本系统不支持，已跳过")
    check = answer.split("#", 1)[0].strip() if "#" in answer[1:] else answer
    if check in ("T", "TRUE", "F", "FALSE"):
        return "tf"
    if not answer.startswith("="):
        raise _Bad(line, f"无法识别的答案“{escape_post(answer)[:30]}”：选项以 = 或 ~ 开头")
    return "fill"


def _weight(part: str, line: int) -> tuple[Decimal | None, str]:
    match = WEIGHT_RE.match(part)
    if match is None:
        return None, part
    try:
        weight = Decimal(match.group(1)) / 100
    except InvalidOperation:
        raise _Bad(line, f"权重“{match.group(0)}”无效") from None
    if not -1 <= weight <= 1:
        raise _Bad(line, f"权重“{match.group(0)}”应在 -100% 到 100% 之间")
    return weight, part[match.end() :]


def _explanation(feedback: str, notes: list[str]) -> str:
    if not notes:
        return feedback
    listed = "\n".join(f"- {note}" for note in notes)
    return f"{feedback}\n\n答题反馈：\n{listed}".strip()
