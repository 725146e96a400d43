"""The rules page (考核规则): leads and admins change the thresholds of 考核办法 §4.2 through
the browser's form; bad input is named by field and stores nothing; a confirmed month never
changes; 恢复默认 brings the document's rules back; every change is in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import QualityEvent, QualityRules, Role
from exam_app.quality import DEFAULT_RULES
from exam_app.quality.calendar import next_month
from exam_app.quality.rules_form import form_values
from exam_app.services.quality.months import current_rules
from tests.factories import person
from tests.quality_fixtures import last_month, make_team, person_row, record, record_month

URL = "/quality/setup/rules"


@pytest.fixture
def team(app):
    return make_team()


def _signed_in(make_client, username: str):
    web = make_client()
    web.login(username)
    return web


def _stored() -> int:
    return db.session.scalar(select(func.count(QualityRules.id)))


def _events(action: str) -> list[QualityEvent]:
    return list(db.session.scalars(select(QualityEvent).where(QualityEvent.action == action)))


def test_the_page_shows_the_source_the_values_and_which_months_change(app, make_client, team):
    lead = _signed_in(make_client, "lead")
    month = last_month()
    record(lead, team["amy"], f"{month}-03", "wykh-10")
    response = lead.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "《客户服务质量考核办法》§4.2" in page and "§4.2.6" in page
    assert 'name="yuan_per_point" id="yuan_per_point" value="5"' in page
    assert 'name="liable_percent" id="liable_percent" value="70"' in page
    assert 'name="band-4-low" id="band-4-low" value="20"' in page
    assert "一直使用考核办法的规定" in page
    scope = page[
        page.index('id="rules-scope"') : page.index("</section>", page.index('id="rules-scope"'))
    ]
    assert f"{int(month[:4])} 年 {int(month[5:])} 月" in scope and "尚未确认" in scope
    assert 'id="rules-reset"' in page


def test_a_change_reaches_open_months_and_never_a_confirmed_one(app, make_client, team):
    lead = _signed_in(make_client, "lead")
    month = last_month()
    record_month(lead, team, month)
    assert lead.post(f"/quality/office/months/{month}/confirm").status_code == 302
    frozen = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    # A late record of the confirmed month counts in the next, still open, month.
    assert record(lead, team["bob"], f"{month}-28", "wykh-10").status_code == 302

    values = form_values(DEFAULT_RULES) | {"yuan_per_point": "10", "band-1-extra": "50"}
    response = lead.post(URL, values)
    assert response.status_code == 302
    assert _stored() == 1 and current_rules().yuan_per_point == 10
    (event,) = _events("rules_changed")
    assert event.actor_id == team["lead"].id
    assert event.detail["before"]["yuan_per_point"] == "5"
    assert event.detail["after"]["yuan_per_point"] == "10"

    after = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    for name in ("amy", "bob", "cat", "dan"):
        assert person_row(after, team[name].staff_no) == person_row(frozen, team[name].staff_no)
    assert "每扣 1 分罚 5.00 元" in after and "确认时的规则" in after
    following = lead.get(f"/quality/office/months/{next_month(month)}").get_data(as_text=True)
    bob = person_row(following, team["bob"].staff_no)
    assert "50.00 元" in bob and "100.00 元" in bob  # 5 points × 10 元, + 50 元 in band 1

    page = lead.get(URL).get_data(as_text=True)
    scope = page[page.index('id="rules-scope"') :]
    assert "保持确认时的规则" in scope
    assert f"{int(month[:4])} 年 {int(month[5:])} 月" in scope[scope.index("保持确认时的规则") :]
    assert "测试lead 于" in page


def test_saving_the_rules_in_force_stores_nothing(app, make_client, team):
    lead = _signed_in(make_client, "lead")
    response = lead.post(URL, form_values(DEFAULT_RULES))
    assert response.status_code == 302 and _stored() == 0
    assert "规则没有变化" in lead.get(URL).get_data(as_text=True)


def test_a_gap_between_bands_is_saved_with_a_warning(app, make_client, team):
    lead = _signed_in(make_client, "lead")
    response = lead.post(URL, form_values(DEFAULT_RULES) | {"band-3-drop": "y"})
    assert response.status_code == 302 and _stored() == 1
    page = lead.get(URL).get_data(as_text=True)
    assert "当月扣分 16~19 分不加罚、不作处理" in page
    assert len(current_rules().bands) == 3


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"yuan_per_point": "五元"}, "yuan_per_point", "「每扣 1 分罚款（元）」应为不小于 0、最多两位小数的金额"),
        ({"yuan_per_point": "1.234"}, "yuan_per_point", "最多两位小数"),
        ({"yuan_per_point": ""}, "yuan_per_point", "请填写「每扣 1 分罚款（元）」"),
        ({"post_at_points": "0"}, "post_at_points", "「公布张贴：当月扣分达（分）」应为正整数"),
        ({"repeat_times": "-3"}, "repeat_times", "「同一问题发生（次）」应为正整数"),
        ({"liable_percent": "60"}, "supervisor_percent", "之和应为 100%，现在是 60 + 30"),
        ({"supervisor_percent": "130", "liable_percent": "-30"}, "supervisor_percent", "0 到 100 之间"),
        ({"band-2-low": "9"}, "band-2-low", "第 1 档（5~10 分）与第 2 档（9~15 分）重叠"),
        ({"band-1-high": ""}, "band-1-high", "第 1 档（5 分以上）与第 2 档（11~15 分）重叠"),
        ({"band-2-high": "8"}, "band-2-high", "第 2 档「终点（分）」8 小于起点 11"),
        ({"band-1-low": ""}, "band-1-low", "第 1 档「起点（分）」不能为空"),
        ({"band-1-extra": "二十"}, "band-1-extra", "第 1 档「加罚（元）」应为不小于 0"),
        ({"band-2-step": "长" * 21}, "band-2-step", "第 2 档「处理」最多 20 个字"),
    ],
)  # fmt: skip
def test_bad_input_is_named_by_field_in_chinese_and_stores_nothing(
    app, make_client, team, change, field, message
):
    lead = _signed_in(make_client, "lead")
    response = lead.post(URL, form_values(DEFAULT_RULES) | change)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "未保存" in page
    assert f'id="{field}"' in page and f'aria-describedby="err-{field}"' in page
    assert f'value="{change.get(field, "")}"' in page or field not in change  # typed value kept
    assert _stored() == 0 and not _events("rules_changed")


def test_restoring_the_defaults_is_a_change_like_any_other(app, make_client, team):
    admin = person("root", Role.ADMIN)
    web = _signed_in(make_client, "root")
    web.post(URL, form_values(DEFAULT_RULES) | {"yuan_per_point": "8"})
    assert current_rules().yuan_per_point == 8
    assert web.post(f"{URL}/reset").status_code == 302
    assert current_rules() == DEFAULT_RULES and _stored() == 2
    (event,) = _events("rules_reset")
    assert event.actor_id == admin.id and event.detail["before"]["yuan_per_point"] == "8"
    assert web.post(f"{URL}/reset").status_code == 302 and _stored() == 2  # already default


@pytest.mark.parametrize("who", ["hr", "sup", "amy"])
def test_other_roles_may_neither_read_nor_change_the_rules(app, make_client, team, who):
    web = _signed_in(make_client, who)
    assert web.get(URL).status_code == 403
    assert web.post(URL, form_values(DEFAULT_RULES) | {"yuan_per_point": "9"}).status_code == 403
    assert web.post(f"{URL}/reset").status_code == 403
    assert _stored() == 0


def test_forged_requests_without_the_csrf_token_are_refused(app, make_client, team):
    lead = _signed_in(make_client, "lead")
    values = form_values(DEFAULT_RULES) | {"yuan_per_point": "9"}
    assert lead.http.post(URL, data=values).status_code == 400
    assert lead.http.post(URL, data=values | {"csrf_token": "forged"}).status_code == 400
    assert lead.http.post(f"{URL}/reset", data={"csrf_token": "forged"}).status_code == 400
    assert _stored() == 0 and not db.session.scalar(select(func.count(QualityEvent.id)))
