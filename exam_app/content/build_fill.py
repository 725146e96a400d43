"""Fill-in items (填空) as typed: the blanks' answers as text, and their checks for build.py."""

from __future__ import annotations

from decimal import Decimal

from exam_app.grading import FILL_RULES

from .draft import CONTROL_RE, Draft
from .kinds import ALT_SPLIT_RE, ANY_BRACES_RE, BLANK_RE, ONE
from .lines import nfkc, percent_prefix
from .model import fmt_decimal


def blanks_from_text(text: str) -> list[list[tuple[str, Decimal]]]:
    """Fill-in answers as typed in Excel and in the form: one line per blank, the accepted
    forms of a blank separated by "|", a partial-credit form written "(50%) 写法"."""
    blanks = []
    for line in text.replace("\r", "").split("\n"):
        if line.strip():
            alternatives = []
            for raw in ALT_SPLIT_RE.split(line):
                weight, answer = percent_prefix(raw.strip())
                alternatives.append((answer, ONE if weight is None else weight))
            blanks.append(alternatives)
    return blanks


def blanks_text(blanks: list[list[tuple[str, Decimal]]]) -> str:
    return "\n".join(
        " | ".join(t if w == ONE else f"({fmt_decimal(w * 100)}%) {t}" for t, w in blank)
        for blank in blanks
    )


def fill_key(draft: Draft, stem: str, bad) -> tuple[dict, str | None]:
    rule = draft.rule or "per_blank"
    if rule not in FILL_RULES:
        bad("评分", "填空题的评分应为：逐空给分、全对才得分")
    numbers: list[int] = []
    for match in ANY_BRACES_RE.finditer(stem):
        blank = BLANK_RE.fullmatch(match.group(0))
        if blank is None:
            bad("题干", f"填空标记“{match.group(0)}”写法不对，应为 {{{{1}}}}、{{{{2}}}} …")
        else:
            numbers.append(int(blank.group(1)))
    if not numbers:
        bad("题干", "填空题的题干中没有填空标记，如 {{1}}")
    elif len(set(numbers)) != len(numbers):
        bad("题干", "填空标记重复：每个空只标一次")
    elif sorted(numbers) != list(range(1, len(numbers) + 1)):
        bad("题干", "填空标记应从 {{1}} 起连续编号")
    if numbers and len(draft.blanks) != len(set(numbers)):
        bad(
            "答案",
            f"题干有 {len(set(numbers))} 个空，答案写了 {len(draft.blanks)} 空：每空一行，"
            "同一空的几种写法用 | 分隔",
        )
    blanks = []
    for n, alternatives in enumerate(draft.blanks, start=1):
        blanks.append([[text, fmt_decimal(weight)] for text, weight in alternatives])
        texts = [text for text, _ in alternatives]
        if not alternatives or any(not nfkc(t).rstrip("。.").strip() for t in texts):
            bad("答案", f"第 {n} 空有空白的答案（检查多余的 | ）")
        elif len(set(texts)) != len(texts):
            bad("答案", f"第 {n} 空有重复的答案")
        elif any("|" in t or "｜" in t or "\n" in t or CONTROL_RE.search(t) for t in texts):
            bad("答案", f"第 {n} 空的答案不能含有 |、换行或控制字符")
        elif not all(w.is_finite() and 0 < w <= ONE for _, w in alternatives):
            bad("答案", f"第 {n} 空的答案权重应在 0% 到 100% 之间（不含 0）")
        elif all(w != ONE for _, w in alternatives):
            bad("答案", f"第 {n} 空没有满分答案：至少一个答案是 100%")
    return {"blanks": blanks, "any_order": bool(draft.any_order)}, rule
