"""The whole loop through real HTTP: lead builds and publishes, staff sits, reviewer
marks, the result lands in the staff file."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, Paper, QuarterResult, Role
from tests.factories import ESSAY_TOPIC, first_of_kind, key_response, person


def _local(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def _build_paper_as_lead(web) -> Paper:
    now = datetime.now(ZoneInfo("UTC"))
    r = web.post(
        "/papers/new",
        {
            "title": "2026年第4季度综合考试",
            "quarter": "2026Q4",
            "opens_at": _local(now - timedelta(minutes=10)),
            "closes_at": _local(now + timedelta(days=2)),
            "time_limit_minutes": "90",
            "pass_mark": "12",
            "kind": "exam",
            "attempts_allowed": "1",
            "multi_rule": "half",
            "release_policy": "auto",
            "marking_tolerance": "2",
            "marking_rule": "average",
            "appeal_days": "5",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    paper = db.session.scalars(select(Paper).order_by(Paper.id.desc())).first()
    detail = f"/papers/{paper.id}"
    web.get(detail)
    objective = " ".join(first_of_kind(k).uid for k in ("single", "multi", "tf", "fill"))
    assert web.post(f"{detail}/sections/fixed", {"fixed-title": "一、客观题",
                    "fixed-question_uids": objective, "fixed-points": "2"}).status_code == 302  # fmt: skip
    assert web.post(f"{detail}/sections/draw", {"draw-title": "二、供用电基本知识",
                    "draw-topic": ESSAY_TOPIC, "draw-kind": "essay", "draw-count": "1",
                    "draw-points_each": "5"}).status_code == 302  # fmt: skip
    case_q = first_of_kind("essay", in_case=True)
    assert web.post(f"{detail}/sections/fixed", {"fixed-title": "三、案例分析",
                    "fixed-question_uids": case_q.uid}).status_code == 302  # fmt: skip
    page = web.get(detail).get_data(as_text=True)
    assert "发布试卷" in page and "一、客观题" in page and "可用题" in page
    assert web.post(f"{detail}/publish").status_code == 302
    db.session.refresh(paper)
    assert paper.status == "published"
    assert paper.total_points == Decimal(8) + Decimal(5) + case_q.points
    return paper


def test_whole_loop_from_building_to_staff_file(app, make_client):
    person("lead", Role.LEAD)
    staff = person("xiaoming", Role.STAFF, department="客服一部")
    person("marker", Role.REVIEWER)

    lead = make_client()
    lead.login("lead")
    paper = _build_paper_as_lead(lead)

    # Staff: the paper is listed, starting snapshots the drawn items.
    web = make_client()
    web.login("xiaoming")
    assert paper.title in web.get("/exams/").get_data(as_text=True)
    r = web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == staff.id))
    # The exam page is the start's own answer, at the attempt's address; read again, the same.
    assert r.status_code == 200 and r.headers["Content-Location"] == f"/exams/attempts/{attempt.id}"
    for page in (
        r.get_data(as_text=True),
        web.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True),
    ):
        assert "已答" in page and attempt.candidate_code in page
    assert len(attempt.items) == 6

    essays = []
    for item in attempt.items:
        if item.kind == "essay":
            response = "根据相关规定，应当首先了解情况，耐心向业主解释。" * 3
            essays.append(item)
        else:
            response = key_response(item.snapshot)
        r = web.post_json(
            f"/exams/attempts/{attempt.id}/answers",
            {"position": item.position, "response": response, "seq": 1},
        )
        assert r.status_code == 200 and r.json["saved"], r.json

    assert web.post(f"/exams/attempts/{attempt.id}/submit").status_code == 302
    waiting = web.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "待阅卷" in waiting and "正确答案" not in waiting

    # Reviewer: sees the candidate code only, marks each essay against its rubric.
    reviewer = make_client()
    reviewer.login("marker")
    queue = reviewer.get("/review/").get_data(as_text=True)
    assert attempt.candidate_code in queue
    assert staff.name not in queue and staff.staff_no not in queue
    expected = Decimal(8)
    for item in essays:
        url = f"/review/items/{item.id}"
        page = reviewer.get(url).get_data(as_text=True)
        assert "参考答案" in page and "评分标准" in page
        for hidden in (staff.name, staff.staff_no, "客服一部"):
            assert hidden not in page
        marks = {}
        for criterion in item.snapshot["rubric"]:
            full = Decimal(criterion["points"])
            give = full if criterion is item.snapshot["rubric"][0] else Decimal(0)
            marks[f"c-{criterion['id']}"] = str(give)
            expected += give
        marks["comment"] = "要点基本答到，依据不够完整。"
        r = reviewer.post(url, marks)
        assert r.status_code == 302, r.get_data(as_text=True)

    # Staff: result released with feedback; the staff file holds the quarter.
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.status == "released"
    assert attempt.total == expected
    result = web.get(f"/exams/attempts/{attempt.id}/result/items").get_data(as_text=True)
    assert "正确答案" in result and "要点基本答到" in result
    assert re.search(rf"总分 {expected.normalize():f} / ", result)
    record = db.session.scalar(select(QuarterResult).where(QuarterResult.user_id == staff.id))
    assert record.quarter == "2026Q4" and record.total == expected
    assert [s["title"] for s in record.sections] == [
        "一、客观题",
        "二、供用电基本知识",
        "三、案例分析",
    ]
    assert record.sections[0]["score"] == "8.00"
    staff_file = web.get("/records/").get_data(as_text=True)
    assert "2026 年第 4 季度" in staff_file and "一、客观题" in staff_file
    assert ("合格" in staff_file) and (record.passed == (expected >= Decimal(12)))

    # Lead: the quarter's results list shows the person by staff number.
    assert staff.staff_no in lead.get("/papers/results").get_data(as_text=True)
