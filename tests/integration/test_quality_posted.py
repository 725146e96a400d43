"""The public list (公布张贴) printed for the notice board: names, departments, points and
reasons from the month's summary; never 工号, fines or steps."""

from __future__ import annotations

import pytest

from tests.quality_fixtures import last_month, make_team, record_month


@pytest.fixture
def team(app):
    return make_team()


def _notice(page: str) -> str:
    start = page.index('id="posted-notice"')
    return page[start : page.index("</article>", start)]


def test_leads_print_the_posted_list_without_money(app, make_client, team):
    month = last_month()
    lead = make_client()
    lead.login("lead")
    record_month(lead, team, month)
    summary = lead.get(f"/quality/office/months/{month}").get_data(as_text=True)
    assert f'href="/quality/office/months/{month}/posted"' in summary

    response = lead.get(f"/quality/office/months/{month}/posted")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "posted.css" in page and "data-print" in page
    notice = _notice(page)
    assert "服务质量考核公布张贴名单" in notice and "§4.2.5" in notice
    assert "扣分达 5 分（含）以上" in notice and "同一问题发生 3 次（含）以上" in notice
    rows = notice[notice.index("<tbody>") : notice.index("</tbody>")]
    assert rows.count("<tr>") == 4
    for name, points in (("amy", 8), ("bob", 12), ("cat", 5), ("dan", 20)):
        row = rows[rows.index(team[name].name) :]
        row = row[: row.index("</tr>")]
        assert f'<td class="num">{points}</td>' in row and "客服一部" in row
        assert team[name].staff_no not in notice
    assert "同一问题发生 3 次" in rows and "当月扣分 20 分（≥5 分）" in rows
    for private in ("元", "行政处分", "开除", "罚款"):
        assert private not in rows, private
    assert 'id="posted-draft"' in notice  # not confirmed yet: marked as a draft

    assert lead.post(f"/quality/office/months/{month}/confirm").status_code == 302
    confirmed = _notice(lead.get(f"/quality/office/months/{month}/posted").get_data(as_text=True))
    assert 'id="posted-draft"' not in confirmed and team["amy"].name in confirmed


def test_a_month_with_nobody_to_post_says_so(app, make_client, team):
    hr = make_client()
    hr.login("hr")  # HR reads the summary, so it may print the list too
    page = hr.get(f"/quality/office/months/{last_month()}/posted").get_data(as_text=True)
    assert 'id="posted-none"' in page and 'id="posted"' not in page


@pytest.mark.parametrize("who", ["sup", "amy"])
def test_supervisors_and_staff_may_not_open_it(app, make_client, team, who):
    web = make_client()
    web.login(who)
    assert web.get(f"/quality/office/months/{last_month()}/posted").status_code == 403


def test_a_month_that_is_no_month_is_not_found(app, make_client, team):
    lead = make_client()
    lead.login("lead")
    assert lead.get("/quality/office/months/2026-13/posted").status_code == 404
