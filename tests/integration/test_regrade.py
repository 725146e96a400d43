"""Correcting an answer key: the dry run lists whose scores change and changes nothing;
applying changes exactly those, records them, and leaves other papers alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, KeyCorrection, QuarterResult, Role, ScoreEvent
from exam_app.services import ServiceError, regrade
from tests.appeal_fixtures import mixed_paper, other_label, single_of, sit_mixed
from tests.factories import person
from tests.marking_fixtures import fresh


@pytest.fixture
def sat(app):
    """Three staff sat an objective-only paper: a with the key, b with the option the key
    should have been, c with a third option. A second paper holds the same question."""
    lead = person("lead", Role.LEAD)
    paper = mixed_paper(lead, essay=False)
    a = sit_mixed(paper, person("a", Role.STAFF))
    key = single_of(a).snapshot["key"]["answer"]
    right = other_label(single_of(a), key)
    b = sit_mixed(paper, person("b", Role.STAFF), right)
    c = sit_mixed(paper, person("c", Role.STAFF), other_label(single_of(a), key, right))
    other = sit_mixed(mixed_paper(lead, essay=False, title="另一份试卷"), person("d", Role.STAFF))
    assert all(x.status == "released" for x in (a, b, c, other))
    return paper, a, b, c, other, key, right


def _events() -> int:
    return db.session.scalar(select(func.count(ScoreEvent.id)))


def _result(attempt_id):
    return db.session.scalar(select(QuarterResult).where(QuarterResult.attempt_id == attempt_id))


def test_dry_run_lists_the_changes_and_changes_nothing(sat):
    paper, a, b, c, _other, key, right = sat
    keyed = regrade.keyed_items(paper)[0]
    before = _events()
    changes = regrade.dry_run(paper, keyed, regrade.parse_key(keyed.snapshot, right))
    assert {(ch.attempt.id, ch.old, ch.new) for ch in changes} == {
        (a.id, Decimal(2), Decimal(0)),
        (b.id, Decimal(0), Decimal(2)),
    }
    db.session.expire_all()
    assert _events() == before and single_of(fresh(Attempt, a.id)).snapshot["key"]["answer"] == key
    assert fresh(Attempt, a.id).total == Decimal(2)


def test_apply_through_the_pages_changes_exactly_the_listed_attempts(sat, make_client):
    paper, a, b, c, other, key, right = sat
    keyed = regrade.keyed_items(paper)[0]
    url = f"/corrections/papers/{paper.id}/keys/{keyed.question_id}/{keyed.version}"
    ids = {x: y.id for x, y in (("a", a), ("b", b), ("c", c), ("other", other))}
    before = _events()
    db.session.commit()
    lead = make_client()
    lead.login("lead")
    assert "更正答案" in lead.get(f"/corrections/papers/{paper.id}/keys").get_data(as_text=True)
    preview = lead.post(url, {"key": right, "reason": "题库答案有误", "action": "preview"})
    text = preview.get_data(as_text=True)
    assert "2 份答卷的得分会变化" in text and "测试a" in text and "测试b" in text
    assert "测试c" not in text.split("dry-run")[1]
    missing = lead.post(url, {"key": right, "reason": "", "action": "apply"})
    assert "请填写更正原因" in missing.get_data(as_text=True)
    assert _events() == before
    db.session.commit()
    r = lead.post(url, {"key": right, "reason": "题库答案有误", "action": "apply"})
    assert r.status_code == 302

    db.session.expire_all()
    assert _events() == before + 2
    events = db.session.scalars(select(ScoreEvent).where(ScoreEvent.source == "regrade")).all()
    assert {e.reason for e in events} == {"更正答案：题库答案有误"}
    totals = {x: fresh(Attempt, i).total for x, i in ids.items()}
    assert totals == {"a": Decimal(0), "b": Decimal(2), "c": Decimal(0), "other": Decimal(2)}
    assert (_result(ids["a"]).total, _result(ids["a"]).passed) == (Decimal(0), False)
    assert _result(ids["b"]).total == Decimal(2) and _result(ids["b"]).passed
    for x in ("a", "b", "c"):
        assert single_of(fresh(Attempt, ids[x])).snapshot["key"]["answer"] == right
    assert single_of(fresh(Attempt, ids["other"])).snapshot["key"]["answer"] == key
    correction = db.session.scalar(select(KeyCorrection))
    assert correction.items_changed == 2 and correction.old_key == {"answer": key}


def test_bad_keys_name_the_field(sat):
    paper, *_ = sat
    keyed = regrade.keyed_items(paper)[0]
    for text, message in (("", "请填写"), ("Z", "不是这道题的选项")):
        with pytest.raises(ServiceError, match=message) as e:
            regrade.parse_key(keyed.snapshot, text)
        assert e.value.field == "key"


def test_parse_key_reads_every_objective_kind():
    options = [{"label": x, "text": x} for x in "ABCD"]
    assert regrade.parse_key({"kind": "multi", "options": options, "rule": None}, "c a") == {
        "answers": ["A", "C"]
    }
    assert regrade.parse_key({"kind": "tf", "rule": None}, "错误") == {"answer": False}
    fill = {"kind": "fill", "rule": None, "key": {"blanks": [[["旧", "1"]], [["二", "1"]]]}}
    parsed = regrade.parse_key(fill, "新 | 新的\n二 | (50%) 两")
    assert parsed["blanks"] == [[["新", "1"], ["新的", "1"]], [["二", "1"], ["两", "0.5"]]]
    assert regrade.key_text({**fill, "key": parsed}) == "新 | 新的\n二 | (50%) 两"
    with pytest.raises(ServiceError, match="权重为 1"):
        regrade.parse_key(fill, "新\n(50%) 两")
    with pytest.raises(ServiceError, match="2 个空"):
        regrade.parse_key(fill, "只有一行")


def test_the_correction_post_needs_a_csrf_token(sat, make_client):
    paper, a, *_rest, right = sat
    keyed = regrade.keyed_items(paper)[0]
    url = f"/corrections/papers/{paper.id}/keys/{keyed.question_id}/{keyed.version}"
    db.session.commit()
    lead = make_client()
    lead.login("lead")
    r = lead.http.post(url, data={"key": right, "reason": "x", "action": "apply"})
    assert r.status_code == 400
    assert fresh(AttemptItem, single_of(a).id).snapshot["key"]["answer"] != right
