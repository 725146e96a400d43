"""评分标准 under a 简答 or 案例 question, written the way Chinese banks write them:

    评分标准：
    1. 说明峰谷分时的含义（2分）
    （2）高峰时段：电价高；低谷时段：电价低 2分
    ③举例说明（3分）：居民峰谷电价；工商业分时电价
      正确 3分：举出两例 / 部分正确 1.5分：举出一例 / 不正确 0分：未举例
    - 答题完整 (1分): 条理清楚
      - 完整 (1分): 四个要点都写到
      - 不完整 (0分): 缺任一要点

One criterion a line: an optional number (1. 1、 （1） 1） ① or the content files' "-"), the
title, its points as （2分） or a trailing "2分", then optionally ：要点1；要点2. A criterion written
as one phrase (“说明峰谷分时的含义（2分）”) is its own key point: the line says what earns
the points. Levels (评分档次) go under their criterion, either all on one line separated by
"/" (正确 3分：… / 部分正确 1.5分：… / 不正确 0分：…) or one a line, indented, as in the
content files. Every level needs its description, as in the content files, so a reviewer
knows what earns it. Any other line is reported by its line: nothing is guessed.
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from decimal import Decimal

from exam_app.grading.rubric import Level, level_problems

from .build import DraftCriterion
from .kinds import DEFAULT_STEP
from .lines import nfkc
from .model import fmt_decimal

NUMBER = r"[0-9０-９]{1,2}"
POINTS = r"([0-9０-９]{1,4}(?:[.．][0-9０-９]{1,2})?)\s*分"
MARKER_RE = re.compile(
    rf"^(?:{NUMBER}\s*[.．、)）]|[（(]\s*{NUMBER}\s*[)）]|[①-⑳]|[一二三四五六七八九十]{{1,2}}、|[-*+•·])\s*"
)
BRACKET_POINTS_RE = re.compile(rf"[（(]\s*(?:得|计|给)?\s*{POINTS}\s*[)）]")
# "…… 2分" / "……，2分" / "——2分" at the end; "扣2分" and "减 2 分" are not points of a criterion.
TRAILING_POINTS_RE = re.compile(
    rf"(?:^|[\s，,、—–])(?<![扣减])\s*(?:得|计|给)?\s*{POINTS}\s*[。.]?$"
)
LEVEL_ENTRY_RE = re.compile(
    rf"^([^\s0-9０-９/／:：()（）]{{1,12}})\s*[（(]?\s*{POINTS}\s*[)）]?\s*(?:[:：]\s*(.*))?$"
)
LEVEL_SPLIT_RE = re.compile(r"\s*[/／|｜]\s*")
INDENTED_LEVEL_RE = re.compile(
    r"^[-*+]\s*(.+?)\s*[（(]\s*" + POINTS + r"\s*[)）]\s*(?:[:：]\s*(.*))?$"
)
KEY_SPLIT_RE = re.compile(r"\s*[；;]\s*")
FORM = "评分项写成“1. 说明峰谷分时的含义（2分）”，要点写在冒号后、用“；”分隔"


def _decimal(text: str) -> Decimal:
    return Decimal(nfkc(text).replace("．", "."))


def _levels_on_one_line(text: str) -> list[Level] | None:
    """ "正确 3分：… / 部分正确 1分 / 不正确 0分" (two or more entries), else None."""
    parts = LEVEL_SPLIT_RE.split(text)
    if len(parts) < 2:
        return None
    levels = []
    for part in parts:
        match = LEVEL_ENTRY_RE.match(part.strip())
        if match is None:
            return None
        levels.append(
            Level(match.group(1), _decimal(match.group(2)), (match.group(3) or "").strip())
        )
    return levels


def _criterion(text: str) -> tuple[str, Decimal, tuple[str, ...]] | str:
    """(title, points, key points) of a criterion line, or why it is not one."""
    body = MARKER_RE.sub("", text, count=1).strip()
    found = list(BRACKET_POINTS_RE.finditer(body))
    if len(found) > 1:
        return "一行写了几个分值：每个评分项单独一行"
    keys = ""
    if found:
        match = found[0]
        after = body[match.end() :].strip()
        if after and after[0] in ":：":
            keys = after[1:]
        elif after.strip("。. "):
            return f"分值（{match.group(0)}）之后还有文字：要点写在冒号后，如“标题（2分）：要点1；要点2”"
        title, points = body[: match.start()], match.group(1)
    elif match := TRAILING_POINTS_RE.search(body):
        title, points = body[: match.start()], match.group(1)
    else:
        return f"没有分值：{FORM}"
    title = title.strip(" \t\u3000，,、—–-:：")
    if not keys and ("：" in title or ":" in title):
        title, keys = re.split(r"[:：]", title, maxsplit=1)
        title = title.strip()
    if not title:
        return f"评分项没有标题：{FORM}"
    key_points = tuple(k for k in KEY_SPLIT_RE.split(keys.strip().rstrip("。")) if k)
    # One phrase is its own key point; a phrase of several parts ("…；…") gives one each.
    return title, _decimal(points), key_points or tuple(KEY_SPLIT_RE.split(title))


def read_rubric(
    lines: list[tuple[int, str]], heading: int, step: Decimal = DEFAULT_STEP
) -> tuple[list[DraftCriterion], list[tuple[int, str]]]:
    """The criteria of a 评分标准 block and the problems found, each (line, Chinese message).

    `lines` are the block's lines as the reader kept them: an indented line starts with two
    spaces. `heading` is the 评分标准 line, where a block with no criterion is reported."""
    criteria: list[DraftCriterion] = []
    where: list[int] = []  # the line of each criterion
    level_lines: dict[int, list[int]] = {}
    problems: list[tuple[int, str]] = []
    for number, raw in lines:
        text = raw.strip()
        if not text:
            continue
        indented = raw[:1] in (" ", "\t", "\u3000")
        if criteria and (levels := _levels_on_one_line(text)) is not None:
            if criteria[-1].levels:
                problems.append(
                    (number, f"「{text[:16]}」评分项“{criteria[-1].title}”的档次写了两次")
                )
                continue
            criteria[-1] = criteria[-1]._replace(levels=tuple(levels))
            level_lines[len(criteria) - 1] = [number] * len(levels)
            continue
        if criteria and indented and (match := INDENTED_LEVEL_RE.match(text)):
            level = Level(match.group(1), _decimal(match.group(2)), (match.group(3) or "").strip())
            criteria[-1] = criteria[-1]._replace(levels=(*criteria[-1].levels, level))
            level_lines.setdefault(len(criteria) - 1, []).append(number)
            continue
        made = _criterion(text)
        if isinstance(made, str):
            problems.append((number, f"「{text[:16]}」无法识别为评分项：{made}"))
            continue
        title, points, keys = made
        criteria.append(DraftCriterion(title, points, keys))
        where.append(number)
    if not criteria and not problems:
        problems.append((heading, f"“评分标准”下没有评分项：{FORM}"))
    for index, criterion in enumerate(criteria):
        name, points = criterion.title, criterion.points
        if points <= 0:
            problems.append((where[index], f"评分项“{name}”的分值应大于 0"))
        elif points % step:
            problems.append(
                (where[index], f"评分项“{name}”的分值不是步长 {fmt_decimal(step)} 分的整数倍")
            )
        elif criterion.levels:
            problems += _level_problems(criterion, step, level_lines[index])
    return criteria, problems


def _level_problems(criterion: DraftCriterion, step: Decimal, lines: list[int]):
    """The content files' rules for levels (level_problems), each at its level's line."""
    name = criterion.title
    found = [
        (lines[n], f"评分项“{name}”的档次“{level.label}”没有写明什么样的答案得这一档："
         f"在分值后写冒号和描述，如“{level.label} {fmt_decimal(level.points)}分：……”")
        for n, level in enumerate(criterion.levels)
        if not level.description
    ]  # fmt: skip
    rules = level_problems(name, criterion.points, step, criterion.levels)
    return found + [(lines[min(n, len(lines) - 1)], message) for n, message in rules]
