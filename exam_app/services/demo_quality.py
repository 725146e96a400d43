"""Demo service quality: who reports to whom, a month of records (last month, so its summary
is complete and ready to confirm), the quarter's weights and the superiors' ratings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import QualityRecord, QualityStandard, User
from exam_app.quality.calendar import month_of, previous_month, quarter_of
from exam_app.services.appeals import local_date
from exam_app.services.quality import quarters
from exam_app.services.quality.records import record_occurrence

REPORTS_TO = {"staff1": "sup1", "staff2": "sup1", "staff3": "sup2", "reviewer2": "sup2",
              "sup1": "lead1", "sup2": "lead1"}  # fmt: skip
# (person, day of last month, standard, what was seen, supervisor liable, recorder)
RECORDS = [
    ("staff1", 3, "wykh-14", "前台桌面和地面有杂物，交班时未整理。", False, "sup1"),
    ("staff1", 10, "wykh-14", "客服中心接待区未打扫，业主来访时地面有水渍。", False, "sup1"),
    ("staff1", 17, "wykh-14", "下班前未整理资料柜，单据散放在台面。", False, "sup1"),
    ("staff1", 21, "wykh-10", "业主投诉电梯噪音，未做书面记录也未上报。", False, "lead1"),
    ("staff2", 6, "wykh-02", "回访抽查：3 户业主不认识分管管家。", False, "sup1"),
    ("staff2", 14, "wykh-03a", "为 12 栋业主办成一笔家政保洁特约服务。", False, "sup1"),
    ("staff3", 8, "wykh-10", "业主报修漏水两次被推诿，主管未跟进。", True, "sup2"),
    ("staff3", 22, "wykh-16", "领导安排的装修巡检未按时完成。", False, "sup2"),
]
RATINGS = {"staff1": 78, "staff2": 90, "staff3": 82, "reviewer2": 85}


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def ensure_demo_quality(now: datetime) -> bool:
    """Idempotent: does nothing once demo records exist or the demo people are missing."""
    people = {name: _user(name) for name in set(REPORTS_TO) | set(REPORTS_TO.values())}
    if any(u is None for u in people.values()):
        return False
    for person, superior in REPORTS_TO.items():
        if people[person].supervisor_id is None:
            people[person].supervisor_id = people[superior].id
    db.session.commit()
    if db.session.scalar(select(QualityRecord.id).limit(1)) is not None:
        return False
    codes = {code for _, _, code, *_ in RECORDS}
    known = set(db.session.scalars(
        select(QualityStandard.code).where(QualityStandard.code.in_(codes))))  # fmt: skip
    if known != codes:
        return False  # the catalogue was not loaded: nothing to cite
    month = previous_month(month_of(local_date(now)))
    first = date(int(month[:4]), int(month[5:]), 1)
    for person, day, code, seen, liable, recorder in RECORDS:
        record_occurrence(
            people[recorder], person_id=people[person].id, occurred_on=first + timedelta(day - 1),
            standard_code=code, observed=seen, supervisor_liable=liable,
            now=now - timedelta(days=1),
        )  # fmt: skip
    quarter = quarter_of(local_date(now))
    lead = people["lead1"]
    if quarters.weights_of(quarter) is None:
        quarters.set_weights(lead, quarter, "40", "40", "20", now)
    for superior in ("sup1", "sup2"):
        mine = {p.id: p.username for p in quarters.rateable_people(people[superior])}
        entries = {uid: (str(RATINGS[name]), "") for uid, name in mine.items() if name in RATINGS}
        quarters.rate(people[superior], quarter, entries, now)
    return True
