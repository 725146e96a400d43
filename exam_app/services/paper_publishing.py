"""Checking, publishing, revising and cloning papers.

Publishing freezes a paper. Changing it afterwards means a revision: a new draft of the
same lineage; publishing that closes the old version to new starts (sittings already
under way finish on the version they started).
"""

from __future__ import annotations

from datetime import datetime

from exam_app.extensions import db
from exam_app.models import Paper, PaperAudience, Section, SectionItem, User
from exam_app.models.base import utcnow
from exam_app.services.drawing import draw_items
from exam_app.services.errors import ServiceError
from exam_app.services.paper_sections import draw_pool_size
from exam_app.services.paper_settings import PaperSettings, editable

TRIAL_DRAWS = 20  # overlapping draw rules can starve each other: try several seeds


def publish_problems(paper: Paper, now: datetime | None = None) -> list[str]:
    """Why this paper cannot be published yet, each naming its section."""
    now = now or utcnow()
    problems = []
    if not paper.sections:
        problems.append("试卷还没有任何大题。")
    for s in paper.sections:
        name = f"第 {s.position} 大题「{s.title}」"
        if s.mode == "draw":
            available = draw_pool_size(s)
            if available < (s.draw_count or 0):
                problems.append(
                    f"{name}要抽 {s.draw_count} 题，但题库中只有 {available} 道可用题。"
                )
        elif not s.items:
            problems.append(f"{name}没有题目。")
        elif s.mode == "choice" and (s.choose_count or 0) >= len(s.items):
            problems.append(f"{name}任选 {s.choose_count} 题，但只有 {len(s.items)} 题可选。")
        drafts = [i.question.uid for i in s.items if i.question.status != "reviewed"]
        if drafts:
            problems.append(f"{name}含未审核的题目：{'、'.join(drafts)}。")
    if not problems and paper.sections:
        for seed in range(TRIAL_DRAWS):
            try:
                draw_items(paper, seed)
            except ServiceError as e:
                problems.append(f"试抽题失败：{e.message}（各大题的抽题范围有重叠，题量不够分）")
                break
    total = paper.total_points
    if paper.full_marks is not None and paper.sections and total != paper.full_marks:
        parts = "＋".join(f"{s.title} {s.total_points.normalize():f}" for s in paper.sections)
        problems.append(
            f"各大题合计 {total.normalize():f} 分（{parts}），与设定的满分 "
            f"{paper.full_marks.normalize():f} 分不一致。"
        )
    if paper.sections and paper.pass_mark > total:
        problems.append(
            f"及格分 {paper.pass_mark.normalize():f} 高于试卷总分 {total.normalize():f}。"
        )
    if paper.closes_at <= now:
        problems.append("考试结束时间已过，请先修改开放时间。")
    return problems


def what_publishing_freezes(paper: Paper) -> list[str]:
    """What the confirmation before publishing tells the lead, in the order they check it."""
    fixed = sum(len(s.items) for s in paper.sections if s.mode != "draw")
    drawn = sum(s.draw_count or 0 for s in paper.sections if s.mode == "draw")
    parts = [f"固定题 {fixed} 道"] if fixed else []
    if drawn:
        parts.append(f"每人随机抽 {drawn} 道")
    total = paper.total_points.normalize()
    return [
        f"{len(paper.sections)} 个大题（{'，'.join(parts) or '暂无题目'}），总分 {total:f} 分，"
        f"及格分 {paper.pass_mark.normalize():f} 分，时长 {paper.time_limit_minutes} 分钟；",
        "题目、分值、评分规则、开放时间和考试名单都不能再改，之后要改只能「修订」生成新版本；",
        "每位考生的题目在抽题时冻结（发布后即为名单中的人预先抽好），之后修改题库不会改变已抽好的试卷。",
    ]


def publish(paper: Paper, now: datetime | None = None) -> None:
    editable(paper)
    now = now or utcnow()
    problems = publish_problems(paper, now)
    if problems:
        raise ServiceError("无法发布：" + "；".join(problems))
    paper.status = "published"
    paper.published_at = now
    previous = db.session.get(Paper, paper.parent_id) if paper.parent_id else None
    if previous is not None and previous.lineage == paper.lineage:
        previous.status = "closed"  # no new starts on the old version
    db.session.commit()


def _copy_into(source: Paper, target: Paper) -> None:
    for s in source.sections:
        section = Section(
            position=s.position, title=s.title, instructions=s.instructions, mode=s.mode,
            draw_topic=s.draw_topic, draw_kind=s.draw_kind, draw_tag=s.draw_tag,
            draw_difficulty_min=s.draw_difficulty_min, draw_difficulty_max=s.draw_difficulty_max,
            draw_count=s.draw_count, points_each=s.points_each, choose_count=s.choose_count,
            multi_rule=s.multi_rule, fill_rule=s.fill_rule,
        )  # fmt: skip
        for i in s.items:
            section.items.append(
                SectionItem(
                    question_id=i.question_id, position=i.position, points=i.points, rule=i.rule
                )
            )
        target.sections.append(section)
    for a in source.audience:
        target.audience.append(PaperAudience(department_id=a.department_id, user_id=a.user_id))


def revise(paper: Paper, by: User) -> Paper:
    """A new draft version of a published or closed paper, same lineage."""
    if paper.status == "draft":
        raise ServiceError("草稿可以直接修改，无需修订。")
    values = PaperSettings.of(paper).validated()
    draft = Paper(
        **values, created_by_id=by.id, lineage_id=paper.lineage, parent_id=paper.id,
        version=paper.version + 1,
    )  # fmt: skip
    _copy_into(paper, draft)
    db.session.add(draft)
    db.session.commit()
    return draft


def clone(
    paper: Paper,
    by: User,
    *,
    title: str,
    quarter: str,
    opens_at: datetime,
    closes_at: datetime,
) -> Paper:
    """The same paper for another sitting (e.g. next quarter): a new lineage, a draft."""
    settings = PaperSettings.of(paper)
    settings.title, settings.quarter = title, quarter
    settings.opens_at, settings.closes_at = opens_at, closes_at
    copy = Paper(**settings.validated(), created_by_id=by.id)
    _copy_into(paper, copy)
    db.session.add(copy)
    db.session.flush()
    copy.lineage_id = copy.id
    db.session.commit()
    return copy
