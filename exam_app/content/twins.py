"""Likely twins: two bank items that ask the same thing and expect the same answer.

A lead drawing "5 from 投诉" and "5 from 回访" must not hand a candidate one question twice, so
items that test the same thing share an exclusion group (互斥组) and a draw takes at most one
of a group. `content check` lists the pairs that look like twins but share no group, so new
ones are caught when they are written.

Each objective item is read as the statement a right answer makes: the stem with the correct
option(s) or the blanks' first accepted answers written into the blanks (a 判断 item is its
stem, with its verdict). Two items are likely twins when
- their statements are alike: the Jaccard index of their character bigrams (after NFKC,
  lowercase, and dropping punctuation, spaces and blank markers) is at least TWIN_THRESHOLD;
- and they expect the same answer: two 判断 items have the same verdict; otherwise each item's
  answers appear in the other's statement (so a 单选 "（　）… [x] 1‰至3‰" and a 填空
  "{{1}}至{{2}}" answered 1‰ and 3‰ match, while two items asking different numbers from one
  table of data do not). A 判断 item whose statement is false is compared only with 判断 items.

The threshold 0.6 was chosen on the bank as shipped: the twins the audit named score 0.72–0.95;
items that merely share a preamble (one table of prices, two questions) are kept apart by the
answer test, and the closest pair of distinct facts with matching answers scores below 0.5.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations

from .lines import GROUP_KINDS
from .model import QuestionSpec

TWIN_THRESHOLD = 0.6
CHOICE_BLANK_RE = re.compile(r"[（(][\s　]*[)）]")
FILL_BLANK_RE = re.compile(r"\{\{\s*(\d+)\s*\}\}")
NOT_TEXT_RE = re.compile(r"[^0-9a-z\u4e00-\u9fff‰%.:]+")


@dataclass(frozen=True)
class Twin:
    first: QuestionSpec
    second: QuestionSpec
    similarity: float  # 0..1, the bigram Jaccard index of the two statements

    def message(self) -> str:
        other = f"“{self.second.id}”（{self.second.file}:{self.second.line}）"
        return (
            f"题目“{self.first.id}”与{other}题干相近（相似度 {self.similarity:.0%}）、答案相同，"
            "可能是同一道题：是的话给两题写同一个“互斥组”，一次考试只会抽到其中一道；"
            "不是的话改写其中一道，让两题考不同的内容"
        )


def normalise(text: str) -> str:
    """Lowercase NFKC text with only letters, digits, CJK and ‰ % . : left."""
    return NOT_TEXT_RE.sub("", unicodedata.normalize("NFKC", text).lower())


def bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def answers(spec: QuestionSpec) -> tuple[str, ...]:
    """The texts a full-marks answer gives (none for 判断 items)."""
    if spec.kind in ("single", "multi"):
        return tuple(o.text for o in spec.options if o.correct)
    if spec.kind == "fill":
        return tuple(blank[0][0] for blank in spec.key.get("blanks", []) if blank)
    return ()


def statement(spec: QuestionSpec) -> str:
    """The stem with the right answer written in, normalised."""
    if spec.kind in ("single", "multi"):
        answer = "、".join(answers(spec))
        text, n = CHOICE_BLANK_RE.subn(lambda _m: answer, spec.stem, count=1)
        return normalise(text if n else spec.stem + answer)
    if spec.kind == "fill":
        filled = answers(spec)

        def blank(match: re.Match) -> str:
            n = int(match.group(1))
            return filled[n - 1] if 0 < n <= len(filled) else ""

        return normalise(FILL_BLANK_RE.sub(blank, spec.stem))
    return normalise(spec.stem)


@dataclass(frozen=True)
class _Read:
    spec: QuestionSpec
    text: str
    grams: frozenset[str]
    answers: tuple[str, ...]  # normalised
    verdict: bool | None  # 判断 items only


def _read(spec: QuestionSpec) -> _Read:
    text = statement(spec)
    verdict = bool(spec.key.get("answer")) if spec.kind == "tf" else None
    found = tuple(a for a in (normalise(x) for x in answers(spec)) if a)
    return _Read(spec, text, bigrams(text), found, verdict)


def same_answer(a: _Read, b: _Read) -> bool:
    if a.verdict is not None or b.verdict is not None:
        if a.verdict is not None and b.verdict is not None:
            return a.verdict == b.verdict
        verdict = a.verdict if a.verdict is not None else b.verdict
        other = b if a.verdict is not None else a
        return bool(verdict) and bool(other.answers)
    if not a.answers or not b.answers:
        return False
    return all(x in b.text for x in a.answers) and all(x in a.text for x in b.answers)


def likely_twins(questions: list[QuestionSpec], threshold: float = TWIN_THRESHOLD) -> list[Twin]:
    """Pairs of likely twins that share no exclusion group, most alike first.

    Only bank items a draw can give (objective kinds, not a case's questions) are compared.
    """
    reads = [_read(q) for q in questions if q.kind in GROUP_KINDS and q.case_id is None]
    found = []
    for a, b in combinations(reads, 2):
        group = a.spec.exclusion_group
        if group is not None and group == b.spec.exclusion_group:
            continue
        similarity = jaccard(a.grams, b.grams)
        if similarity >= threshold and same_answer(a, b):
            found.append(Twin(a.spec, b.spec, similarity))
    return sorted(found, key=lambda t: (-t.similarity, t.first.id, t.second.id))
