"""Per-kind reading: options, 判断 answers, 填空 answers and 简答 rubrics -> grader keys.

The key formats are shared with exam_app.grading and must not change; the checks here
mirror what the grader will refuse (e.g. weights of correct options adding up to 1), so a
bad key is reported at its file and line instead of failing during an exam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from exam_app.grading.rubric import Level, level_problems

from .lines import Field, Sink, join_text, nfkc, percent_prefix
from .model import Criterion, Option, fmt_decimal

Lines = list[tuple[int, str]]

OPTION_RE = re.compile(r"^ {0,3}[-*+][ \t]+\[[ \t]*([xX√✓]?)[ \t]*\](?:[ \t]+(.*)|[ \t]*)$")
# Almost an option ("-[x] a", "[x] a", "- [ ]a"): caught so it cannot slip into the stem.
NEAR_OPTION_RE = re.compile(r"^\s*(?:[-*+]\s*)?\[\s*[xX√✓]?\s*\]")
BLANK_RE = re.compile(r"\{\{\s*(\d{1,3})\s*\}\}")
ANY_BRACES_RE = re.compile(r"\{\{[^{}\n]{0,20}\}\}")
ANSWER_LINE_RE = re.compile(r"^\s*(\d{1,3})\s*[.、．:：)）]\s*(.*)$")
ALT_SPLIT_RE = re.compile(r"[|｜]")
# "名称 (5分): 描述", the form of a rubric criterion and of its levels alike: name, points,
# what follows the colon (groups 1, 2, 3).
WEIGHED = (
    r"(.+?)[ \t]*[(（][ \t]*(\d{1,4}(?:\.\d{1,2})?)[ \t]*分[ \t]*[)）][ \t]*(?:[:：][ \t]*(.*))?$"
)
CRITERION_RE = re.compile(r"^ {0,3}[-*+][ \t]+" + WEIGHED)
KEY_POINT_SPLIT_RE = re.compile(r"[；;]")
# A level (评分档次) of the criterion above it: the same form, indented (two spaces or a tab).
LEVEL_RE = re.compile(r"^(?: {2,}|\t)[ \t]*[-*+][ \t]+" + WEIGHED)

LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ONE = Decimal(1)
# The grader allows this much rounding in the correct options' weights (e.g. 3 × 33.33333%).
WEIGHT_SLACK = Decimal("0.000001")
DEFAULT_STEP = Decimal("0.5")
MULTI_RULES = {"exact", "half", "per_option", "weighted"}
FILL_RULES = {"per_blank", "all_or_nothing"}


def read_options(raw: Lines, sink: Sink) -> list[tuple[int, bool, Decimal | None, str]]:
    """(line, correct, weight or None, text) per option line."""
    options = []
    for line, text in raw:
        match = OPTION_RE.match(text)
        if match is None:  # callers only pass matching lines; keep junk from raising
            continue
        correct = bool(match.group(1))
        weight, body = percent_prefix((match.group(2) or "").strip())
        if not body:
            sink.add(line, "选项内容为空")
            continue
        options.append((line, correct, weight, body))
    return options


def build_choice(
    kind: str, raw: Lines, rule: str | None, rule_line: int, heading: int, sink: Sink
) -> tuple[tuple[Option, ...], dict, str | None]:
    read = read_options(raw, sink)
    if len(read) > len(LABELS):
        sink.add(read[len(LABELS)][0], f"选项太多：最多 {len(LABELS)} 个")
        return (), {}, None
    seen: dict[str, int] = {}
    for line, _, _, text in read:
        if text in seen:
            sink.add(line, f"选项与第 {seen[text]} 行的选项相同")
        seen.setdefault(text, line)
    correct_lines = [line for line, correct, _, _ in read if correct]
    last = read[-1][0] if read else heading
    if kind == "single":
        if len(read) < 2:
            sink.add(last, f"单选题至少要有 2 个选项（现有 {len(read)} 个）")
        if not correct_lines and read:
            sink.add(
                last, f"第 {len(read)} 个选项之后没有标出正确答案：用 - [x] 标出唯一正确的选项"
            )
        if len(correct_lines) > 1:
            sink.add(
                correct_lines[1], f"单选题只能有 1 个正确答案，现标出了 {len(correct_lines)} 个"
            )
    else:
        if len(read) < 3:
            sink.add(last, f"多选题至少要有 3 个选项（现有 {len(read)} 个）")
        if len(correct_lines) < 2:
            sink.add(last, f"多选题至少要有 2 个正确答案（现标出 {len(correct_lines)} 个）")
    rule = rule or ("exact" if kind == "multi" else None)
    weighted = rule == "weighted"
    if not weighted:
        for line, _, weight, _ in read:
            if weight is not None:
                sink.add(line, "只有“评分: 按权重”的多选题才能给选项写权重")
    else:
        _check_weights(read, rule_line, sink)
    options = tuple(
        Option(
            label=LABELS[index],
            text=text,
            correct=correct,
            weight=(weight if weight is not None else Decimal(0)) if weighted else None,
        )
        for index, (_, correct, weight, text) in enumerate(read)
    )
    answers = [o.label for o in options if o.correct]
    if kind == "single":
        return options, {"answer": answers[0] if answers else ""}, None
    key: dict = {"answers": answers}
    if weighted:
        key["weights"] = {o.label: fmt_decimal(o.weight or Decimal(0)) for o in options}
    return options, key, rule


def _check_weights(
    read: list[tuple[int, bool, Decimal | None, str]], rule_line: int, sink: Sink
) -> None:
    total = Decimal(0)
    for line, correct, weight, _ in read:
        if weight is not None and not -ONE <= weight <= ONE:
            sink.add(line, "选项权重应在 -100% 到 100% 之间")
        elif correct and (weight is None or weight <= 0):
            sink.add(line, "按权重评分时，每个正确选项都要写大于 0 的权重，如 - [x] (50%) 文本")
        elif not correct and weight is not None and weight > 0:
            sink.add(line, "错误选项的权重不能大于 0（可写 0 或负数，如 (-50%)）")
        elif correct and weight is not None:
            total += weight
    if total and abs(total - ONE) > WEIGHT_SLACK:
        sink.add(rule_line, f"正确选项的权重合计为 {fmt_decimal(total * 100)}%，应为 100%")


def build_tf(section: Lines | None, heading: int, sink: Sink) -> dict:
    if section is None:
        sink.add(heading, "判断题缺少“答案: 正确”或“答案: 错误”")
        return {}
    line, value = section[0]
    for extra_line, text in section[1:]:
        if text.strip():
            sink.add(extra_line, "判断题的答案只写一行：“答案: 正确”或“答案: 错误”")
            break
    verdict = {"正确": True, "对": True, "错误": False, "错": False}.get(value.strip())
    if verdict is None:
        sink.add(line, f"判断题的答案应为“正确”或“错误”，不是“{value.strip()}”")
        return {}
    return {"answer": verdict}


def blank_markers(stem: Lines, sink: Sink, is_fill: bool) -> list[tuple[int, int]]:
    """(line, number) of each {{n}} in the stem; malformed markers are reported."""
    found = []
    for line, text in stem:
        for match in ANY_BRACES_RE.finditer(text):
            blank = BLANK_RE.fullmatch(match.group(0))
            if not is_fill:
                sink.add(line, f"只有填空题才能用填空标记 {match.group(0)}；请检查“题型”")
            elif blank is None:
                sink.add(line, f"填空标记“{match.group(0)}”写法不对，应为 {{{{1}}}}、{{{{2}}}} …")
            else:
                found.append((line, int(blank.group(1))))
    return found


def build_fill(
    stem: Lines,
    section: Lines | None,
    order: Field | None,
    rule: str | None,
    heading: int,
    sink: Sink,
) -> tuple[dict, str]:
    markers = blank_markers(stem, sink, is_fill=True)
    marker_lines: dict[int, int] = {}
    for line, number in markers:
        if number in marker_lines:
            sink.add(line, f"填空标记 {{{{{number}}}}} 重复（第 {marker_lines[number]} 行已有）")
        marker_lines.setdefault(number, line)
    stem_line = next((line for line, text in stem if text.strip()), heading)
    if not markers:
        sink.add(stem_line, "填空题的题干中没有填空标记，如 {{1}}")
    count = len(marker_lines)
    for number in range(1, count + 1):
        if number not in marker_lines:
            sink.add(
                stem_line,
                f"填空标记应从 {{{{1}}}} 起连续编号，缺少 {{{{{number}}}}}",
            )
    answers = _fill_answers(section, heading, sink)
    for number, (line, _) in sorted(answers.items()):
        if number not in marker_lines:
            sink.add(line, f"答案第 {number} 空在题干中没有对应的 {{{{{number}}}}}")
    answer_line = section[0][0] if section else heading
    for number in sorted(marker_lines):
        if number not in answers:
            sink.add(answer_line, f"题干中的 {{{{{number}}}}} 没有对应的答案行“{number}. …”")
    any_order = False
    if order is not None:
        value = order.value.strip()
        if value in ("任意", "任意顺序", "不限"):
            any_order = True
        elif value not in ("固定", "按顺序"):
            sink.add(order.line, f"“顺序”应为“任意”或“固定”，不是“{value}”")
    blanks = [
        [[text, fmt_decimal(weight)] for text, weight in answers[n][1]] for n in sorted(answers)
    ]
    return {"blanks": blanks, "any_order": any_order}, rule or "per_blank"


def _fill_answers(
    section: Lines | None, heading: int, sink: Sink
) -> dict[int, tuple[int, list[tuple[str, Decimal]]]]:
    if section is None:
        sink.add(heading, "填空题缺少“答案:”，其下每空一行，如“1. 24小时 | 二十四小时”")
        return {}
    answers: dict[int, tuple[int, list[tuple[str, Decimal]]]] = {}
    for line, text in section:
        if not text.strip():
            continue
        match = ANSWER_LINE_RE.match(text)
        if match is None:
            sink.add(line, "填空答案每空一行，写作“1. 答案 | 另一种写法”")
            continue
        number = int(match.group(1))
        if number in answers:
            sink.add(line, f"第 {number} 空的答案重复（第 {answers[number][0]} 行已写过）")
            continue
        alternatives = _alternatives(match.group(2), number, line, sink)
        if alternatives:
            answers[number] = (line, alternatives)
    return answers


def _alternatives(text: str, number: int, line: int, sink: Sink) -> list[tuple[str, Decimal]]:
    result: list[tuple[str, Decimal]] = []
    for raw in ALT_SPLIT_RE.split(text):
        weight, answer = percent_prefix(raw.strip())
        weight = ONE if weight is None else weight
        # The grader compares normalised text; an answer that normalises to nothing never matches.
        if not nfkc(answer).rstrip("。.").strip():
            sink.add(line, f"第 {number} 空有空白的答案（检查多余的 | ）")
            return []
        if not 0 < weight <= ONE:
            sink.add(line, f"第 {number} 空“{answer}”的权重应在 0% 到 100% 之间（不含 0）")
            return []
        if any(answer == seen for seen, _ in result):
            sink.add(line, f"第 {number} 空的答案“{answer}”重复")
            return []
        result.append((answer, weight))
    if result and all(weight != ONE for _, weight in result):
        sink.add(line, f"第 {number} 空没有满分答案：至少一个答案不写权重（即 100%）")
        return []
    return result


def build_essay(
    sections: dict[str, Lines],
    step_field: Field | None,
    points: Decimal | None,
    heading: int,
    sink: Sink,
) -> tuple[tuple[Criterion, ...], str, str]:
    step = DEFAULT_STEP
    if step_field is not None:
        text = nfkc(step_field.value)
        parsed = Decimal(text) if re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", text) else None
        if parsed is None or parsed <= 0:
            sink.add(step_field.line, f"“步长”应为正数，如 0.5 或 1，不是“{step_field.value}”")
        else:
            step = parsed
    rubric: list[Criterion] = []
    section = sections.get("评分标准")
    if section is None:
        sink.add(heading, "简答题缺少“评分标准”：其下每行一项，如“- 要点 (3分): 要点1；要点2”")
    else:
        errors_before = len(sink.errors)
        rubric = _criteria(section, step, sink)
        total = sum((c.points for c in rubric), Decimal(0))
        # A criterion left out for its own error would only make the sum wrong too.
        if rubric and points is not None and total != points and len(sink.errors) == errors_before:
            sink.add(
                section[0][0],
                f"评分标准各项合计 {fmt_decimal(total)} 分，与题目分值 {fmt_decimal(points)} 分不一致",
            )
    reference = join_text(sections.get("参考答案", []))
    if not reference:
        line = sections["参考答案"][0][0] if "参考答案" in sections else heading
        sink.add(line, "简答题缺少“参考答案”")
    guidance = join_text(sections.get("评分说明", []))
    return tuple(rubric), reference, guidance


@dataclass
class _Written:
    """A criterion as read so far, with the levels written under it."""

    line: int
    title: str
    points: Decimal
    key_points: tuple[str, ...]
    levels: list[tuple[int, Level]] = field(default_factory=list)
    broken: bool = False  # an error was reported: the criterion is left out

    def criterion(self, number: int, step: Decimal, sink: Sink) -> Criterion | None:
        levels = tuple(level for _, level in self.levels)
        if levels:
            problems = level_problems(self.title, self.points, step, levels)
            for index, message in problems:
                sink.add(self.levels[index][0], message)
            if problems:
                return None
        return Criterion(f"c{number}", self.title, self.points, step, self.key_points, levels)


def _criteria(section: Lines, step: Decimal, sink: Sink) -> list[Criterion]:
    line0, first = section[0]
    if first.strip():
        sink.add(line0, "“评分标准:”这一行不写内容，评分项写在下面，每行一项")
    written: list[_Written] = []
    for line, text in section[1:]:
        if not text.strip():
            continue
        level = LEVEL_RE.match(text) if written else None
        if level is not None:
            _level(written[-1], line, level, sink)
            continue
        match = CRITERION_RE.match(text)
        if match is None:
            sink.add(line, "评分项格式应为“- 标题 (3分): 要点1；要点2”")
            written.append(_Written(line, "", Decimal(0), (), broken=True))  # its levels too
            continue
        title, raw_points, raw_keys = match.group(1).strip(), match.group(2), match.group(3) or ""
        points = Decimal(raw_points)
        key_points = tuple(k.strip() for k in KEY_POINT_SPLIT_RE.split(raw_keys) if k.strip())
        criterion = _Written(line, title, points, key_points)
        written.append(criterion)
        if points <= 0:
            sink.add(line, f"评分项“{title}”的分值应大于 0")
        elif points % step:
            sink.add(
                line, f"评分项“{title}”的分值 {raw_points} 不是步长 {fmt_decimal(step)} 的整数倍"
            )
        elif not key_points:
            sink.add(line, f"评分项“{title}”没有列出要点：在冒号后写出，用“；”分隔")
        else:
            continue
        criterion.broken = True
    if not any(text.strip() for _, text in section[1:]):
        sink.add(line0, "“评分标准”下没有评分项，如“- 要点 (3分): 要点1；要点2”")
    criteria: list[Criterion] = []
    for w in written:
        if not w.broken and (made := w.criterion(len(criteria) + 1, step, sink)) is not None:
            criteria.append(made)
    return criteria


def _level(criterion: _Written, line: int, match: re.Match[str], sink: Sink) -> None:
    """One level line ("  - 部分正确 (2分): 答出一半要点") under its criterion."""
    label, description = match.group(1).strip(), (match.group(3) or "").strip()
    if not description:
        sink.add(line, f"档次“{label}”没有写明什么样的答案得这一档：在冒号后写出")
        criterion.broken = True
        return
    criterion.levels.append((line, Level(label, Decimal(match.group(2)), description)))
