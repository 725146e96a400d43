"""The item form <-> a Draft for the builder; problems back onto the form's fields."""

from __future__ import annotations

from decimal import Decimal

from exam_app.bank.forms import MIN_CRITERION_ROWS, MIN_OPTION_ROWS, QuestionForm
from exam_app.content.build import (
    Draft,
    DraftCriterion,
    DraftOption,
    Problem,
    blanks_from_text,
    blanks_text,
)
from exam_app.content.level_text import LevelTextError, levels_from_text, levels_text
from exam_app.content.lines import split_tags
from exam_app.services.bank_editing import BankInvalid

HUNDRED = Decimal(100)
# Builder field (the Excel column name) -> form field, per kind where it differs.
FIELDS = {
    "编号": "uid", "题型": "kind", "知识点": "topic", "难度": "difficulty", "分值": "points",
    "题干": "stem", "选项": "options", "权重": "options", "解析": "explanation", "出处": "source",
    "标签": "tags", "评分标准": "criteria", "步长": "step", "参考答案": "reference_answer",
    "评分说明": "guidance", "案例编号": "case_uid", "互斥组": "exclusion_group",
}  # fmt: skip
ANSWER_FIELD = {"single": "options", "multi": "options", "tf": "tf_answer", "fill": "blanks"}
RULE_FIELD = {"multi": "multi_rule", "fill": "fill_rule"}


def draft_from_form(form: QuestionForm) -> Draft:
    kind = form.kind.data
    draft = Draft(
        id=(form.uid.data or "").strip(),
        kind=kind,
        topic=(form.topic.data or "").strip(),
        difficulty=int(form.difficulty.data) if (form.difficulty.data or "").isdigit() else None,
        points=form.points.data,
        stem=(form.stem.data or "").replace("\r\n", "\n"),
        explanation=(form.explanation.data or "").replace("\r\n", "\n").strip(),
        source=(form.source.data or "").strip(),
        tags=split_tags(form.tags.data or ""),
        case_id=form.case_uid.data or None,
        exclusion_group=(form.exclusion_group.data or "").strip(),
    )
    if kind in ("single", "multi"):
        rows = [row.form for row in form.options if (row.form.text.data or "").strip()]
        weighted = kind == "multi" and form.multi_rule.data == "weighted"
        draft.options = [
            DraftOption(
                row.text.data.strip(),
                bool(row.correct.data),
                row.weight.data / HUNDRED if weighted and row.weight.data is not None else None,
            )
            for row in rows
        ]
        draft.rule = form.multi_rule.data if kind == "multi" else None
    elif kind == "tf":
        draft.answer = {"true": True, "false": False}.get(form.tf_answer.data or "")
    elif kind == "fill":
        draft.blanks = blanks_from_text(form.blanks.data or "")
        draft.any_order = bool(form.any_order.data)
        draft.rule = form.fill_rule.data
    else:
        draft.rubric = [
            _criterion(row.form)
            for row in form.criteria
            if (row.form.title.data or "").strip() or row.form.points.data is not None
        ]
        draft.step = form.step.data
        draft.reference_answer = (form.reference_answer.data or "").replace("\r\n", "\n").strip()
        draft.guidance = (form.guidance.data or "").replace("\r\n", "\n").strip()
    return draft


def _criterion(row) -> DraftCriterion:
    title = (row.title.data or "").strip()
    try:
        levels = levels_from_text((row.levels.data or "").replace("\r\n", "\n"))
    except LevelTextError as e:  # the builder never sees it: say which criterion
        raise BankInvalid([Problem("评分标准", f"评分项“{title}”的{e}")]) from None
    return DraftCriterion(
        title,
        row.points.data,
        tuple(k for k in (row.key_points.data or "").replace(";", "；").split("；")),
        levels,
    )


def fill_form(form: QuestionForm, draft: Draft) -> None:
    """Prefill an edit form from the item as it is now."""
    form.uid.data = draft.id
    form.kind.data = draft.kind
    form.topic.data = draft.topic
    form.difficulty.data = str(draft.difficulty)
    form.points.data = draft.points
    form.stem.data = draft.stem
    form.explanation.data = draft.explanation
    form.source.data = draft.source
    form.tags.data = "、".join(draft.tags)
    form.exclusion_group.data = draft.exclusion_group
    form.case_uid.data = draft.case_id or ""
    while len(form.options) < max(MIN_OPTION_ROWS, len(draft.options) + 2):
        form.options.append_entry()
    for row, option in zip(form.options, draft.options, strict=False):
        row.form.text.data = option.text
        row.form.correct.data = option.correct
        row.form.weight.data = None if option.weight is None else option.weight * HUNDRED
    if draft.kind == "multi":
        form.multi_rule.data = draft.rule
    if draft.kind == "tf":
        form.tf_answer.data = "true" if draft.answer else "false"
    if draft.kind == "fill":
        form.blanks.data = blanks_text(draft.blanks)
        form.any_order.data = draft.any_order
        form.fill_rule.data = draft.rule
    while len(form.criteria) < max(MIN_CRITERION_ROWS, len(draft.rubric) + 1):
        form.criteria.append_entry()
    for row, criterion in zip(form.criteria, draft.rubric, strict=False):
        row.form.title.data = criterion.title
        row.form.points.data = criterion.points
        row.form.key_points.data = "；".join(criterion.key_points)
        row.form.levels.data = levels_text(criterion.levels)
    form.step.data = draft.step
    form.reference_answer.data = draft.reference_answer
    form.guidance.data = draft.guidance


def attach(form: QuestionForm, problems: list[Problem]) -> None:
    """Each problem under its field; option and rubric rows get theirs above the table."""
    kind = form.kind.data
    for problem in problems:
        name = ANSWER_FIELD.get(kind) if problem.field == "答案" else FIELDS.get(problem.field)
        if problem.field == "评分":
            name = RULE_FIELD.get(kind, "kind")
        if name in ("options", "criteria"):
            form.row_errors.setdefault(name, []).append(problem.message)
        else:
            field = getattr(form, name or "stem")
            field.errors = [*field.errors, problem.message]
