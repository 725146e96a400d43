"""A paper's sections: fixed items, random draws by topic/tag/type/difficulty, or a
candidate's choice ("12 题任选 5 题")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select

from exam_app.extensions import db
from exam_app.grading import FILL_RULES, KIND_LABELS, MULTI_RULES
from exam_app.models import Paper, Question, Section, SectionItem
from exam_app.services.errors import ServiceError
from exam_app.services.paper_settings import editable, positive_decimal


@dataclass(frozen=True)
class DrawRule:
    count: int
    points_each: object
    topic: str | None = None
    kind: str | None = None
    tag: str | None = None
    difficulty_min: int | None = None
    difficulty_max: int | None = None

    def check(self) -> None:
        if not (self.topic or self.kind or self.tag):
            raise ServiceError("抽题规则至少要指定知识点、题型或标签之一。", field="topic")
        if self.kind and self.kind not in KIND_LABELS:
            raise ServiceError("题型无效。", field="kind")
        if not 1 <= self.count <= 500:
            raise ServiceError("抽题数应在 1 到 500 之间。", field="count")
        low, high = self.difficulty_min or 1, self.difficulty_max or 5
        if not 1 <= low <= high <= 5:
            raise ServiceError(
                "难度范围应在 1 到 5 之间，且下限不高于上限。", field="difficulty_min"
            )


def _rules(multi_rule: str | None, fill_rule: str | None) -> dict:
    if multi_rule and multi_rule not in MULTI_RULES:
        raise ServiceError("多选题评分规则无效。", field="multi_rule")
    if fill_rule and fill_rule not in FILL_RULES:
        raise ServiceError("填空题评分规则无效。", field="fill_rule")
    return {"multi_rule": multi_rule or None, "fill_rule": fill_rule or None}


def _title(title: str) -> str:
    if not title.strip():
        raise ServiceError("大题标题不能为空。", field="title")
    return title.strip()


def _next_position(paper: Paper) -> int:
    return max((s.position for s in paper.sections), default=0) + 1


def _questions(uids: list[str]) -> list[Question]:
    uids = [u.strip() for u in uids if u.strip()]
    if not uids:
        raise ServiceError("至少要选一道题。", field="question_uids")
    if len(set(uids)) != len(uids):
        raise ServiceError("同一道题不能在一个大题中出现两次。", field="question_uids")
    found = {q.uid: q for q in db.session.scalars(select(Question).where(Question.uid.in_(uids)))}
    missing = [u for u in uids if u not in found]
    if missing:
        raise ServiceError(f"题库中没有这些题号：{'、'.join(missing)}", field="question_uids")
    drafts = [u for u in uids if found[u].status != "reviewed"]
    if drafts:
        raise ServiceError(
            f"这些题目尚未审核，不能组卷：{'、'.join(drafts)}", field="question_uids"
        )
    return [found[u] for u in uids]


def essay_points_mismatch(questions, points) -> list[str]:
    """Essay items whose rubric total is not the points they would carry on the paper.

    A rubric's criteria add up to the item's bank points, so an essay cannot be worth
    more or less on a paper without its rubric being rewritten."""
    if points in (None, ""):
        return []
    return [q.uid for q in questions if q.kind == "essay" and q.points != Decimal(str(points))]


def _refuse_essay_points(questions, points) -> None:
    if wrong := essay_points_mismatch(questions, points):
        raise ServiceError(
            f"简答题的分值由评分标准决定，不能改为 {points} 分：{'、'.join(wrong)}",
            field="points",
        )


def _add(section: Section) -> Section:
    db.session.add(section)
    db.session.commit()
    return section


def add_fixed_section(
    paper: Paper,
    *,
    title: str,
    question_uids: list[str],
    points=None,
    instructions: str = "",
    multi_rule: str | None = None,
    fill_rule: str | None = None,
) -> Section:
    """Fixed items; `points` overrides each item's bank points when given."""
    editable(paper)
    questions = _questions(question_uids)  # before the section exists: no autoflush of it
    each = positive_decimal(points, "points", "每题分值") if points not in (None, "") else None
    _refuse_essay_points(questions, each)
    section = Section(
        paper=paper, position=_next_position(paper), title=_title(title),
        instructions=instructions, mode="fixed", **_rules(multi_rule, fill_rule),
    )  # fmt: skip
    for pos, question in enumerate(questions, start=1):
        section.items.append(
            SectionItem(question=question, position=pos, points=each or question.points)
        )
    return _add(section)


def add_choice_section(
    paper: Paper,
    *,
    title: str,
    question_uids: list[str],
    choose_count: int,
    points_each,
    instructions: str = "",
) -> Section:
    """All listed items are shown; the candidate answers `choose_count` of them."""
    editable(paper)
    questions = _questions(question_uids)
    if not 1 <= choose_count < len(questions):
        raise ServiceError(
            f"任选题数应在 1 到 {len(questions) - 1} 之间（共 {len(questions)} 题）。",
            field="choose_count",
        )
    each = positive_decimal(points_each, "points_each", "每题分值")
    _refuse_essay_points(questions, each)
    section = Section(
        paper=paper, position=_next_position(paper), title=_title(title),
        instructions=instructions, mode="choice", choose_count=choose_count, points_each=each,
    )  # fmt: skip
    for pos, question in enumerate(questions, start=1):
        section.items.append(SectionItem(question=question, position=pos, points=each))
    return _add(section)


def add_draw_section(
    paper: Paper,
    *,
    title: str,
    rule: DrawRule | None = None,
    topic: str | None = None,
    count: int = 0,
    points_each=None,
    kind: str | None = None,
    instructions: str = "",
    multi_rule: str | None = None,
    fill_rule: str | None = None,
) -> Section:
    editable(paper)
    rule = rule or DrawRule(count=count, points_each=points_each, topic=topic, kind=kind)
    rule.check()
    section = Section(
        paper=paper,
        position=_next_position(paper),
        title=_title(title),
        instructions=instructions,
        mode="draw",
        draw_topic=rule.topic or None,
        draw_kind=rule.kind or None,
        draw_tag=rule.tag or None,
        draw_difficulty_min=rule.difficulty_min,
        draw_difficulty_max=rule.difficulty_max,
        draw_count=rule.count,
        points_each=positive_decimal(rule.points_each, "points_each", "每题分值"),
        **_rules(multi_rule, fill_rule),
    )
    return _add(section)


def remove_section(paper: Paper, section: Section) -> None:
    editable(paper)
    paper.sections.remove(section)
    db.session.flush()
    for position, s in enumerate(paper.sections, start=1):
        s.position = -position  # two steps: positions are unique within a paper
    db.session.flush()
    for s in paper.sections:
        s.position = -s.position
    db.session.commit()


def pool_query(section: Section) -> Select:
    """Reviewed bank items matching every filter the draw rule sets."""
    query = select(Question).where(Question.status == "reviewed")
    if section.draw_topic:
        query = query.where(Question.topic == section.draw_topic)
    if section.draw_kind:
        query = query.where(Question.kind == section.draw_kind)
    if section.draw_difficulty_min:
        query = query.where(Question.difficulty >= section.draw_difficulty_min)
    if section.draw_difficulty_max:
        query = query.where(Question.difficulty <= section.draw_difficulty_max)
    return query


def _matches_tag(question: Question, tag: str | None) -> bool:
    return not tag or tag in (question.tags or [])


def pool(section: Section) -> list[Question]:
    """Ordered by the stable id so the same seed draws the same items on any database."""
    rows = db.session.scalars(pool_query(section).order_by(Question.uid))
    return [q for q in rows if _matches_tag(q, section.draw_tag)]


def draw_pool_size(section: Section) -> int:
    if section.draw_tag:  # tags live in a JSON list: filter in Python
        return len(pool(section))
    return db.session.scalar(pool_query(section).with_only_columns(func.count(Question.id))) or 0


def describe_rule(section: Section) -> str:
    parts = []
    if section.draw_topic:
        parts.append(f"知识点「{section.draw_topic}」")
    if section.draw_kind:
        parts.append(f"{KIND_LABELS[section.draw_kind]}题")
    if section.draw_tag:
        parts.append(f"标签「{section.draw_tag}」")
    if section.draw_difficulty_min or section.draw_difficulty_max:
        parts.append(f"难度 {section.draw_difficulty_min or 1}–{section.draw_difficulty_max or 5}")
    return "、".join(parts)


def set_item_rule(paper: Paper, item: SectionItem, rule: str | None) -> None:
    """The scoring rule of one multi-answer or fill-in item on this paper (None: inherit)."""
    editable(paper)
    allowed = {"multi": MULTI_RULES, "fill": FILL_RULES}.get(item.question.kind)
    if allowed is None:
        raise ServiceError("只有多选题和填空题可以单独设置评分规则。", field="rule")
    if rule and rule not in allowed:
        raise ServiceError("评分规则无效。", field="rule")
    item.rule = rule or None
    db.session.commit()
