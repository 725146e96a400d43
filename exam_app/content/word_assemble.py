"""A Word or text bank once every line has been read: its items answered and built.

An answer key may come after the items it answers (word_keys.py), so word_text.py only
says which line belongs where and builds nothing while reading. Here, at the end: each case
is checked (and two identical cases refused), each item takes its answer from the key
unless it has its own (then the two must agree), and each item becomes a draft
(word_items.py) and a checked row for the import plan (imported.build_row).

Pure: no Flask, no database.
"""

from __future__ import annotations

from .imported import ImportedBank, build_row
from .model import ContentError
from .word_cases import WordCase, case_uid, check_case
from .word_items import Item, canonical, draft_of, item_name
from .word_layouts import excerpt


def assemble(
    items: list[Item],
    cases: list[WordCase],
    result: ImportedBank,
    *,
    name: str,
    topic: str,
    difficulty: int,
    key_seen: bool,
) -> list[tuple]:
    """The items built, as (row spec, line) in the file's order; problems go to `result`."""

    def report(line: int, message: str) -> None:
        result.errors.append(ContentError(name, line, message))

    _check_cases(cases, name, result)
    built = []
    for item in items:
        if item.keyed is not None:
            _take_key(item, name, result)
        draft = draft_of(item, topic, difficulty, key_seen, report)
        if draft is None or item.bad:
            continue

        def where(problem, item=item) -> str:
            return f"{item_name(item)}{problem.field}：{problem.message}"

        spec = build_row(draft, name, item.line, result, where)
        if spec is not None:
            built.append((spec, item.line))
    return built


def _check_cases(cases: list[WordCase], name: str, result: ImportedBank) -> None:
    uids: dict[str, WordCase] = {}
    for case in cases:
        case.uid = case_uid(case)
        if case.uid in uids:
            result.errors.append(ContentError(
                name, case.line, f"{case.label}与第 {uids[case.uid].line} 行的案例完全相同：删去其中一个",
            ))  # fmt: skip
        uids.setdefault(case.uid, case)
        result.errors.extend(check_case(case, name))


def _take_key(item: Item, name: str, result: ImportedBank) -> None:
    """The key's answer, unless the item has its own (then they must agree)."""
    line, answer = item.keyed
    own = item.answer or (item.reference[0] if item.reference else None)
    if own is None:
        if item.kind == "essay":
            item.reference = [(line, answer)]
        else:
            item.answer = (line, answer)
    elif item.kind == "essay" or canonical(own[1]) != canonical(answer):
        item.bad = True
        result.errors.append(ContentError(
            name, line,
            f"第 {item.number} 题「{item.head}」题后已写答案“{excerpt(own[1])}”，"
            f"答案部分又写了“{excerpt(answer)}”：只保留一处",
        ))  # fmt: skip
