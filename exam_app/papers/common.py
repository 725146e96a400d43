"""Small helpers the paper views share."""

from __future__ import annotations

import re

from flask import abort, flash
from flask_wtf import FlaskForm
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question
from exam_app.services import ServiceError
from exam_app.services.papers import PaperSettings
from exam_app.web.filters import local_to_utc


def paper_or_404(paper_id: int) -> Paper:
    return db.session.get(Paper, paper_id) or abort(404)


def topics() -> list[str]:
    return list(db.session.scalars(select(Question.topic).distinct().order_by(Question.topic)))


def split_ids(text: str | None) -> list[str]:
    """Ids typed one per line or separated by commas, 顿号 or spaces."""
    return [u for u in re.split(r"[\s,，、;；]+", text or "") if u]


def show_error(form: FlaskForm, error: ServiceError) -> None:
    """A service error under its form field when it names one, else as a message."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


def run_and_flash(done: str, call, *args, **kwargs) -> bool:
    """Call a service; flash `done` on success, or its Chinese error. True on success."""
    try:
        call(*args, **kwargs)
    except ServiceError as e:
        flash(e.message, "error")
        return False
    flash(done, "success")
    return True


def flash_form_errors(form: FlaskForm) -> None:
    for name, messages in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        flash(f"{label}：{messages[0]}", "error")


def settings_from(form) -> PaperSettings:
    return PaperSettings(
        title=form.title.data or "",
        kind=form.kind.data,
        quarter=form.quarter.data or "",
        opens_at=local_to_utc(form.opens_at.data),
        closes_at=local_to_utc(form.closes_at.data),
        time_limit_minutes=form.time_limit_minutes.data,
        full_marks=form.full_marks.data,
        pass_mark=form.pass_mark.data,
        attempts_allowed=form.attempts_allowed.data,
        multi_rule=form.multi_rule.data,
        shuffle_items=form.shuffle_items.data,
        shuffle_options=form.shuffle_options.data,
        tab_switch_limit=form.tab_switch_limit.data,
        release_policy=form.release_policy.data,
        double_marking=form.double_marking.data,
        marking_tolerance=form.marking_tolerance.data
        if form.marking_tolerance.data is not None
        else 2,
        marking_rule=form.marking_rule.data,
        appeal_days=form.appeal_days.data,
        instructions=form.instructions.data or "",
    )
