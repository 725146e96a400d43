"""Read the whole content tree and check what no single file can: ids unique everywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .files import parse_case_file, parse_question_file
from .model import CaseSpec, ContentError, ContentSet, QuestionSpec
from .twins import likely_twins

QUESTION_DIR = "question_bank"
CASE_DIR = "cases"


def content_files(directory: Path) -> list[Path]:
    """The *.md files a directory holds, in a stable order.

    README.md explains the format; names starting with "." (editor backups) or "_" (drafts a
    lead is not ready to publish) are skipped.
    """
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.glob("*.md")
        if path.is_file()
        and path.name.lower() != "readme.md"
        and not path.name.startswith((".", "_"))
    )


def read_text(path: Path, name: str) -> tuple[str | None, ContentError | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, ContentError(name, 0, f"无法读取文件：{exc.strerror or exc}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "（看起来是 GBK/GB2312 编码）"
        except UnicodeDecodeError:
            pass
        message = f"文件不是 UTF-8 编码{hint}，请在编辑器中“另存为 UTF-8”"
        return None, ContentError(name, line, message)


def load_content(root: Path) -> ContentSet:
    """Parse root/question_bank/*.md and root/cases/*.md; report every problem at once."""
    root = Path(root)
    result = ContentSet()
    if not (root / QUESTION_DIR).is_dir():
        result.errors.append(ContentError(QUESTION_DIR, 0, f"找不到题库目录 {root / QUESTION_DIR}"))
    for path in content_files(root / QUESTION_DIR):
        name = path.relative_to(root).as_posix()
        text, error = read_text(path, name)
        if error is not None:
            result.errors.append(error)
            continue
        questions, errors = _guarded(parse_question_file, text or "", name, ([], []))
        result.questions.extend(questions)
        result.errors.extend(errors)
    for path in content_files(root / CASE_DIR):
        name = path.relative_to(root).as_posix()
        text, error = read_text(path, name)
        if error is not None:
            result.errors.append(error)
            continue
        case, errors = _guarded(parse_case_file, text or "", name, (None, []))
        result.errors.extend(errors)
        if case is not None:
            result.cases.append(case)
    _check_unique(result)
    result.errors.sort(key=lambda e: (e.file, e.line))
    result.twins = [
        ContentError(t.first.file, t.first.line, t.message())
        for t in likely_twins(result.questions)
    ]
    return result


def _guarded(parse, text: str, name: str, empty):
    # The parsers are tested never to raise; this is the last line of defence so that one
    # unforeseen file cannot hide the errors of all the others.
    try:
        return parse(text, name)
    except Exception as exc:
        return empty[0], [
            ContentError(name, 0, f"解析时出现内部错误（{type(exc).__name__}），请报告管理员")
        ]


def _check_unique(result: ContentSet) -> None:
    seen: dict[str, QuestionSpec] = {}

    def fresh(q: QuestionSpec) -> bool:
        first = seen.setdefault(q.id, q)
        if first is q:
            return True
        result.errors.append(
            ContentError(q.file, q.line, f"题目编号“{q.id}”重复：{first.file}:{first.line} 已使用")
        )
        return False

    result.questions = [q for q in result.questions if fresh(q)]
    cases: dict[str, CaseSpec] = {}
    kept: list[CaseSpec] = []
    for case in result.cases:
        first = cases.setdefault(case.id, case)
        if first is not case:
            result.errors.append(
                ContentError(
                    case.file,
                    case.line,
                    f"案例编号“{case.id}”重复：{first.file}:{first.line} 已使用",
                )
            )
            continue
        questions = tuple(q for q in case.questions if fresh(q))
        kept.append(dataclasses.replace(case, questions=questions))
    result.cases = kept
