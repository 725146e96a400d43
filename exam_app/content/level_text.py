"""Levels (评分档次) written one per line, as Excel's 评分标准 cell and the bank editor's
评分档次 box hold them: "正确 (5分): 要点完整准确". The content files write the same form
indented under a criterion (kinds.LEVEL_RE); both come from kinds.WEIGHED.
"""

from __future__ import annotations

import re
from decimal import Decimal

from exam_app.grading.rubric import Level

from .kinds import WEIGHED
from .model import fmt_decimal

# A level as one line, in Excel's 评分标准 cell and the editor's 评分档次 box: "正确 (5分): 描述".
LEVEL_TEXT_RE = re.compile(r"^[-*+]?[ \t]*" + WEIGHED)


class LevelTextError(ValueError):
    """A level line that is not "名称 (分值分): 描述"; the message is Chinese."""


def levels_from_text(text: str) -> tuple[Level, ...]:
    """Levels written one per line, "正确 (5分): 要点完整准确"; blank lines are skipped."""
    levels = []
    for n, line in enumerate((x.strip() for x in text.split("\n") if x.strip()), start=1):
        match = LEVEL_TEXT_RE.match(line)
        if match is None:
            raise LevelTextError(f"第 {n} 个档次应写作“名称 (分值分): 什么样的答案得这一档”")
        label, points, description = match.group(1), match.group(2), match.group(3) or ""
        levels.append(Level(label.strip(), Decimal(points), description.strip()))
    return tuple(levels)


def levels_text(levels: tuple[Level, ...]) -> str:
    return "\n".join(f"{lv.label} ({fmt_decimal(lv.points)}分): {lv.description}" for lv in levels)
