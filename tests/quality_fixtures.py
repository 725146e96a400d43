"""A team and a month of service-quality records through HTTP, shared by the quality tests.

amy: 3 × wykh-14 (−1, the same problem three times) + wykh-10 (−5) = 8 → 5–10 band, posted,
     the supervisor shares 30 % of the three repeated points.
bob: wykh-10 × 2 + wykh-02 = 12 → 行政处分, posted.
cat: wykh-10, supervisor found liable → 70/30 of its 25 元; 5 points → +20 元, posted.
dan: wykh-03b, wykh-10, wykh-11, wykh-13 = 20 → 开除; and one bonus wykh-03a (+5) that
     does not offset the fines.
"""

from __future__ import annotations

from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.models.base import utcnow
from exam_app.quality.calendar import month_of, previous_month
from exam_app.services.appeals import local_date
from tests.factories import person


def last_month() -> str:
    """Last month: every day of it is in the past, whatever day the tests run."""
    return previous_month(month_of(local_date(utcnow())))


def day_of(month: str, day: int) -> str:
    return f"{month}-{day:02d}"


def make_team() -> dict[str, User]:
    """Two supervisors over four staff members; a lead records, another lead decides."""
    sup = person("sup", Role.SUPERVISOR)
    people = {name: person(name, Role.STAFF) for name in ("amy", "bob", "cat", "dan")}
    for p in people.values():
        p.supervisor_id = sup.id
    db.session.commit()
    return {"sup": sup, "lead": person("lead", Role.LEAD), "lead2": person("lead2", Role.LEAD),
            "hr": person("hr", Role.HR), **people}  # fmt: skip


def record(
    web, who: User, day: str, code: str, *, liable: bool = False, seen: str = "现场检查发现"
):
    data = {"person": str(who.id), "occurred_on": day, "standard": code, "observed": seen}
    if liable:
        data["supervisor_liable"] = "y"
    return web.post("/quality/", data)


PLAN = [
    ("amy", 2, "wykh-14", False), ("amy", 9, "wykh-14", False), ("amy", 16, "wykh-14", False),
    ("amy", 20, "wykh-10", False),
    ("bob", 3, "wykh-10", False), ("bob", 4, "wykh-10", False), ("bob", 5, "wykh-02", False),
    ("cat", 6, "wykh-10", True),
    ("dan", 7, "wykh-03b", False), ("dan", 8, "wykh-10", False), ("dan", 10, "wykh-11", False),
    ("dan", 11, "wykh-13", False), ("dan", 12, "wykh-03a", False),
]  # fmt: skip


def record_month(web, team, month):
    for name, day, code, liable in PLAN:
        response = record(web, team[name], day_of(month, day), code, liable=liable)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]


def person_row(page: str, staff_no: str) -> str:
    start = page.index(f'id="person-{staff_no}"')
    return page[start : page.index("</tr>", start)]
