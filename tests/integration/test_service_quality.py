"""Service quality through HTTP: a lead records a month of faults, the summary and the Excel
file follow 考核办法 §4.2, an appeal changes them, confirming freezes the month, and the
quarter's combined score reaches the staff file, the HR export and the API."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Appeal, QualityEvent, QualityRecord, Role, User
from exam_app.models.base import utcnow
from exam_app.quality.calendar import (
    month_of,
    next_month,
    quarter_of,
    quarter_of_month,
)
from exam_app.services.api_tokens import create_token
from exam_app.services.appeals import local_date
from tests.factories import person
from tests.quality_fixtures import (
    PLAN,
    day_of,
    last_month,
    make_team,
    person_row,
    record,
    record_month,
)
from tests.report_data import released, three_item_paper

_month = last_month
_day = day_of
_record = record
_record_month = record_month
_row = person_row


@pytest.fixture
def team(app):
    return make_team()


def _sheet(web, month):
    response = web.get(f"/quality/office/months/{month}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["个人汇总"].iter_rows(values_only=True))
    return {r[0]: r for r in rows[1:]}, book


def test_a_month_of_records_gives_the_summary_the_rules_say(app, make_client, team):
    month = _month()
    lead = make_client()
    lead.login("lead")
    _record_month(lead, team, month)
    assert db.session.scalar(select(func.count(QualityRecord.id))) == len(PLAN)

    hr = make_client()
    hr.login("hr")
    page = hr.get(f"/quality/office/months/{month}").get_data(as_text=True)
    amy, bob, cat, dan = (team[n].staff_no for n in ("amy", "bob", "cat", "dan"))
    # amy: 8 points = 40 元, of which the supervisor bears 30 % of 3 points (4.50), +20 band.
    assert "35.50 元" in _row(page, amy) and "55.50 元" in _row(page, amy)
    assert ">12<" in _row(page, bob) and "行政处分" in _row(page, bob)
    assert "17.50 元" in _row(page, cat) and "37.50 元" in _row(page, cat)
    assert "开除" in _row(page, dan) and "100.00 元" in _row(page, dan)
    assert ">5<" in _row(page, dan)  # the bonus is shown, not netted against the fine
    posted = page[page.index('id="posted"') : page.index("</ul>", page.index('id="posted"'))]
    for name in ("amy", "bob", "cat", "dan"):
        assert team[name].name in posted
    assert "同一问题发生 3 次" in posted
    shares = page[page.index('id="shares"') :]
    assert "4.50 元" in shares and "7.50 元" in shares

    people, book = _sheet(hr, month)
    assert people[amy][6:9] == (35.5, 20, 55.5)
    assert people[bob][9] == "行政处分" and people[dan][9] == "开除"
    assert people[cat][10] == "是"
    shares = list(book["直属上司连带"].iter_rows(values_only=True))[1:]
    assert sorted(r[5] for r in shares) == [4.5, 7.5]
    assert people["合计"][8] == 55.5 + 60 + 37.5 + 100 + 4.5 + 7.5


def test_an_appeal_decided_one_level_up_changes_the_summary(app, make_client, team):
    month = _month()
    lead = make_client()
    lead.login("lead")
    _record_month(lead, team, month)
    first = db.session.scalar(
        select(QualityRecord)
        .where(QualityRecord.user_id == team["amy"].id)
        .order_by(QualityRecord.id)
    )
    amy = make_client()
    amy.login("amy")
    page = amy.get("/records/").get_data(as_text=True)
    assert f'id="record-{first.id}"' in page and "前台" not in page  # seen at once, as written
    response = amy.post(f"/records/quality/{first.id}/appeal", {"reason": "那天我休息，不在岗。"})
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal).where(Appeal.quality_record_id == first.id))
    assert appeal.status == "open"

    # The recorder may not decide it; the person neither; another lead may.
    assert lead.get(f"/quality/appeals/{appeal.id}").status_code == 403
    assert amy.get(f"/quality/appeals/{appeal.id}").status_code == 403
    lead2 = make_client()
    lead2.login("lead2")
    assert f"/quality/appeals/{appeal.id}" in lead2.get("/quality/appeals/").get_data(as_text=True)
    response = lead2.post(
        f"/quality/appeals/{appeal.id}",
        {"outcome": "voided", "decision_reason": "排班表证实当天休息。"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QualityRecord, first.id).status == "voided"
    # amy: 7 points, wykh-14 only twice now: no supervisor share; 35 + 20 = 55 元.
    page = lead2.get(f"/quality/office/months/{month}").get_data(as_text=True)
    row = _row(page, team["amy"].staff_no)
    assert "35.00 元" in row and "55.00 元" in row
    assert "4.50 元" not in page
    assert "撤销记录" in amy.get("/records/").get_data(as_text=True)
    actions = set(db.session.scalars(select(QualityEvent.action)))
    assert {"record_made", "record_appealed", "record_appeal_decided"} <= actions


def test_confirming_freezes_the_month_and_later_changes_land_in_the_next(app, make_client, team):
    month = _month()
    lead = make_client()
    lead.login("lead")
    _record_month(lead, team, month)
    before = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    assert lead.post(f"/quality/office/months/{month}/confirm").status_code == 302
    frozen = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    assert "已确认" in frozen
    # A late record of the confirmed month counts in the next one.
    assert _record(lead, team["bob"], _day(month, 28), "wykh-14").status_code == 302
    late = db.session.scalar(select(QualityRecord).order_by(QualityRecord.id.desc()))
    assert late.month == next_month(month)
    # An appeal decided after confirmation: the frozen month stays, the next shows the change.
    record = db.session.scalar(select(QualityRecord).where(QualityRecord.user_id == team["cat"].id))
    cat = make_client()
    cat.login("cat")
    cat.post(f"/records/quality/{record.id}/appeal", {"reason": "不是我的责任区。"})
    appeal = db.session.scalar(select(Appeal).where(Appeal.quality_record_id == record.id))
    lead2 = make_client()
    lead2.login("lead2")
    lead2.post(
        f"/quality/appeals/{appeal.id}", {"outcome": "voided", "decision_reason": "核实有误。"}
    )
    after = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    assert _row(after, team["cat"].staff_no) == _row(before, team["cat"].staff_no)
    assert _row(after, team["bob"].staff_no) == _row(before, team["bob"].staff_no)
    following = lead.get(f"/quality/office/months/{next_month(month)}").get_data(as_text=True)
    adjustments = following[following.index('id="adjustments"') :]
    assert team["cat"].name in adjustments and "-37.50 元" in adjustments
    assert "-7.50 元" in adjustments  # the supervisor's share is given back too
    # Confirming twice is refused; the freeze is audited.
    lead.post(f"/quality/office/months/{month}/confirm")
    assert db.session.scalar(select(func.count()).select_from(QualityEvent)
                             .where(QualityEvent.action == "month_confirmed")) == 1  # fmt: skip


def test_the_combined_score_reaches_the_staff_file_the_hr_export_and_the_api(
    app, make_client, team
):
    quarter = quarter_of(local_date(utcnow()))
    month = month_of(local_date(utcnow()))
    paper = three_item_paper(team["lead"], quarter=quarter)
    released(paper, [team["amy"].id], [[2, 2, 1]])  # 5 / 6 = 83.33 %
    lead = make_client()
    lead.login("lead")
    today = local_date(utcnow()).isoformat()
    assert _record(lead, team["amy"], today, "wykh-10").status_code == 302  # quality 95
    assert month_of(local_date(utcnow())) == month
    response = lead.post(
        f"/quality/setup/weights/{quarter}", {"exam": "40", "quality": "40", "rating": "20"}
    )
    assert response.status_code == 302
    sup = make_client()
    sup.login("sup")
    response = sup.post(f"/quality/ratings/{quarter}", {f"score-{team['amy'].id}": "80"})
    assert response.status_code == 302
    # 83.33 × 0.4 + 95 × 0.4 + 80 × 0.2 = 33.332 + 38 + 16 = 87.3
    amy = make_client()
    amy.login("amy")
    page = amy.get("/records/").get_data(as_text=True)
    row = page[page.index(f'id="combined-{quarter}"') :]
    assert "87.3" in row[: row.index("</tr>")] and "95" in row[: row.index("</tr>")]
    assert "季度综合得分趋势" in page

    hr = make_client()
    hr.login("hr")
    data = hr.get(f"/reports/quarter/{quarter}/results.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("综合得分")
    amy_row = next(r for r in rows if r[0] == team["amy"].staff_no)
    assert amy_row[col] == 87.3 and amy_row[rows[0].index("综合考核权重")] == "40/40/20"

    _, plain = create_token("HR", person("admin", Role.ADMIN), utcnow())
    headers = {"Authorization": f"Bearer {plain}"}
    body = hr.http.get(f"/api/v1/quarters/{quarter}/combined", headers=headers).json
    entry = next(e for e in body["combined"] if e["staff_no"] == team["amy"].staff_no)
    assert entry["total"] == 87.3 and entry["weights"] == {"exam": 40, "quality": 40, "rating": 20}
    staff = hr.http.get(f"/api/v1/staff/{team['amy'].staff_no}", headers=headers).json
    assert staff["combined"][0]["quality"] == 95 and staff["combined"][0]["rating"] == 80


@pytest.mark.parametrize(
    "change, message",
    [
        ({"standard": "no-such"}, "请从列表中选择考核标准"),
        ({"occurred_on": "2999-01-01"}, "不能晚于今天"),
        ({"occurred_on": "昨天"}, "应形如"),
        ({"person": "99999999999999999999"}, "请从名单中选择被考核人"),
        ({"observed": "长" * 5000}, "最多 2000 字"),
        ({"observed": "  "}, "请填写「情况说明」"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    app, make_client, team, change, message
):
    lead = make_client()
    lead.login("lead")
    data = {"person": str(team["amy"].id), "occurred_on": local_date(utcnow()).isoformat(),
            "standard": "wykh-10", "observed": "x"} | change  # fmt: skip
    response = lead.post("/quality/", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(QualityRecord.id))) == 0


def test_forged_csrf_wrong_roles_and_other_peoples_records_are_refused(app, make_client, team):
    lead = make_client()
    lead.login("lead")
    forged = lead.http.post("/quality/", data={"person": str(team["amy"].id), "standard": "wykh-10",
                                                "occurred_on": "2026-01-01", "observed": "x"})  # fmt: skip
    assert forged.status_code == 400
    staff = make_client()
    staff.login("bob")
    assert staff.get("/quality/").status_code == 403
    assert staff.get(f"/quality/office/months/{_month()}").status_code == 403
    _record(lead, team["amy"], local_date(utcnow()).isoformat(), "wykh-10")
    record = db.session.scalar(select(QualityRecord))
    assert staff.post(f"/records/quality/{record.id}/appeal", {"reason": "x"}).status_code == 404
    hr = make_client()
    hr.login("hr")
    assert hr.post(f"/quality/setup/weights/{quarter_of_month(_month())}",
                   {"exam": "50", "quality": "50", "rating": "0"}).status_code == 403  # fmt: skip
    # A supervisor records only for their own people; a retired standard is not offered.
    other = person("eve", Role.STAFF, department="客服九部")
    sup = make_client()
    sup.login("sup")
    assert _record(sup, other, local_date(utcnow()).isoformat(), "wykh-10").status_code == 400
    assert db.session.scalar(select(func.count(QualityRecord.id))) == 1


def test_leads_add_and_retire_standards_and_old_records_keep_them(app, make_client, team):
    lead = make_client()
    lead.login("lead")
    response = lead.post(
        "/quality/setup/standards",
        {"title": "工牌未佩戴", "points": "-1", "text": "上岗未佩戴工牌"},
    )
    assert response.status_code == 302
    assert 'value="app-001"' in lead.get("/quality/").get_data(as_text=True)
    _record(lead, team["amy"], local_date(utcnow()).isoformat(), "app-001")
    from exam_app.models import QualityStandard

    standard = db.session.scalar(select(QualityStandard).where(QualityStandard.code == "app-001"))
    assert lead.post(f"/quality/setup/standards/{standard.id}/retire").status_code == 302
    assert 'value="app-001"' not in lead.get("/quality/").get_data(as_text=True)
    response = _record(lead, team["bob"], local_date(utcnow()).isoformat(), "app-001")
    assert response.status_code == 400 and "已停用" in response.get_data(as_text=True)
    amy = make_client()
    amy.login("amy")
    assert "工牌未佩戴" in amy.get("/records/").get_data(as_text=True)
    bad = lead.post("/quality/setup/standards", {"title": "x", "points": "扣两分"})
    assert bad.status_code == 400 and "「分值」应为整数" in bad.get_data(as_text=True)


def test_admins_set_the_direct_superior_and_refuse_a_loop(app, make_client, team):
    admin = person("root", Role.ADMIN)
    web = make_client()
    web.login("root")
    amy, sup = team["amy"], team["sup"]
    form = {"name": sup.name, "staff_no": sup.staff_no, "department": "客服一部", "position": "",
            "roles": ["supervisor"], "supervisor": amy.staff_no}  # fmt: skip
    response = web.post(f"/admin/users/{sup.id}", form)
    assert "不能是本人或其下属" in response.get_data(as_text=True)
    form["supervisor"] = team["lead"].staff_no
    assert web.post(f"/admin/users/{sup.id}", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, sup.id).supervisor_id == team["lead"].id
    assert admin.id
