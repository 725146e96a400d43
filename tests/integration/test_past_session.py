"""The rush's statements past the ORM session (exam_app/past_session.py) read and store
exactly what the session's way does, on both databases, raise the same errors, leave the
pool usable and are seen by the engine's statement listeners."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, event, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.functions import aggregate_strings

from exam_app import past_session
from exam_app.database import read_alone, run_alone
from exam_app.extensions import db
from exam_app.models import AttemptItem, Paper, User
from exam_app.models.people import UserRole
from tests.integration.test_save_checks_session import sitting  # noqa: F401 (a fixture)

_items = AttemptItem.__table__
# Moves an item onto another's position: (attempt, position) is unique, so it is refused.
_collide = (
    update(AttemptItem)
    .where(AttemptItem.id == bindparam("b_id"))
    .values(position=bindparam("b_position"))
)


@pytest.fixture
def idle(sitting):  # noqa: F811
    db.session.commit()  # the session holds nothing: as at the start of a request
    return sitting


def _by_session(statement, params) -> list[tuple]:
    rows = [tuple(r) for r in db.session.execute(statement, params)]
    db.session.commit()
    return rows


def _typed(rows) -> list[list]:
    return [[(type(v).__name__, v) for v in row] for row in rows]


def test_reads_give_what_the_session_gives(idle):
    _web, user, attempt, _item = idle
    every_column = select(_items).where(_items.c.attempt_id == bindparam("a"))
    expanding = select(Paper.id, Paper.opens_at, Paper.title).where(
        Paper.status.in_(("published", "closed"))
    )  # an IN list: rendered per call
    roles = select(aggregate_strings(UserRole.role, ","), func.max(User.created_at)).where(
        UserRole.user_id == User.id, User.id == bindparam("u")
    )
    for statement, params in [(every_column, {"a": attempt.id}), (expanding, {}),
                              (roles, {"u": user.id})]:  # fmt: skip
        alone = past_session.read(db.engine, statement, params)
        assert alone, statement
        assert _typed(alone) == _typed(_by_session(statement, params))
        # Again: the IN list's rendering is kept from the first call.
        assert _typed(past_session.read(db.engine, statement, params)) == _typed(alone)
    first = past_session.read(db.engine, every_column, {"a": attempt.id})[0]
    assert isinstance(first[list(_items.c.keys()).index("points")], Decimal)
    assert isinstance(first[list(_items.c.keys()).index("saved_at")], datetime)
    assert isinstance(first[list(_items.c.keys()).index("needs_review")], bool)


def test_a_write_stores_what_the_session_stores(idle):
    _web, _user, attempt, _item = idle
    one, two = sorted(i.id for i in attempt.items)[:2]
    db.session.commit()  # else the session's read snapshot predates the write below
    change = (
        update(AttemptItem)
        .where(AttemptItem.id == bindparam("b_id"))
        .values(response=bindparam("b_response"), saved_at=bindparam("b_at"),
                score=bindparam("b_score"), needs_review=bindparam("b_review"))
        .returning(AttemptItem.id, AttemptItem.saved_at, AttemptItem.score)
    )  # fmt: skip
    values = {"b_response": {"填空": ["峰谷", "分时"], "n": 1}, "b_at": datetime(2026, 11, 30, 9, 5, 7, 120),
              "b_score": Decimal("8.50"), "b_review": True}  # fmt: skip
    count, returned = past_session.write(db.engine, change, {**values, "b_id": one})
    assert count == 1 and returned == (one, values["b_at"], Decimal("8.50"))
    by_session = db.session.execute(change, {**values, "b_id": two}).first()
    db.session.commit()
    assert tuple(by_session) == (two, values["b_at"], Decimal("8.50"))
    stored = db.session.execute(
        text("SELECT id, response, saved_at, score, needs_review FROM attempt_items "
             "WHERE id IN (:a, :b) ORDER BY id"), {"a": one, "b": two}
    ).all()  # fmt: skip
    assert stored[0][1:] == stored[1][1:]  # byte for byte what the driver was given


def test_a_refused_write_is_sqlalchemys_error_and_the_pool_goes_on(idle):
    _web, _user, attempt, _item = idle
    one, two = sorted(i.id for i in attempt.items)[:2]
    taken = db.session.get(AttemptItem, two).position
    db.session.commit()
    with pytest.raises(IntegrityError):  # (attempt, position) is unique
        past_session.write(db.engine, _collide, {"b_id": one, "b_position": taken})
    db.session.expire_all()
    assert db.session.get(AttemptItem, one).position != taken
    db.session.commit()
    # Nothing was left holding the write lock: the session writes at once, and so does this.
    db.session.execute(update(AttemptItem).where(AttemptItem.id == one).values(flagged=True))
    db.session.commit()
    assert run_alone(_collide, {"b_id": one, "b_position": 999})[0] == 1


def test_the_engines_listeners_see_each_statement(idle):
    _web, user, _attempt, _item = idle
    uid = user.id
    db.session.commit()
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert not db.session().in_transaction()  # so both go past the session
        read_alone(select(User.name).where(User.id == bindparam("u")), {"u": uid})
        run_alone(update(User).where(User.id == bindparam("u")).values(position="班长"),
                  {"u": uid})  # fmt: skip
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [s.split()[0] for s in seen] == ["SELECT", "UPDATE"]


def test_inside_the_sessions_transaction_it_goes_the_sessions_way(idle):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite: a write past the session would wait on the session's own lock")
    _web, user, _attempt, _item = idle
    db.session.execute(update(User).where(User.id == user.id).values(position="组长"))
    # The session holds the write lock: past it, this would wait for itself.
    count, _ = run_alone(update(User).where(User.id == bindparam("u")).values(name="改名"),
                         {"u": user.id})  # fmt: skip
    assert count == 1
    rows = read_alone(select(User.position, User.name).where(User.id == bindparam("u")),
                      {"u": user.id})  # fmt: skip
    assert [tuple(r) for r in rows] == [("组长", "改名")]


def test_an_answer_for_a_reviewer_is_submitted_the_sessions_way(app, make_client, monkeypatch):
    """A paper with an essay: whether this worker knows the attempt's layout or not (on
    PostgreSQL, not knowing, the submission tries past the session and steps back), the
    answer waits for a reviewer and the objective item is scored once."""
    from datetime import timedelta

    from exam_app.models import Attempt, MarkingTask, Role, ScoreEvent
    from exam_app.models.base import utcnow
    from exam_app.services import attempt_layouts, submission
    from exam_app.services import papers as paper_service
    from tests.factories import first_of_kind, key_response, person

    now = utcnow()
    paper = paper_service.create_paper(
        created_by=person("lead", Role.LEAD), title="含简答", quarter="2026Q4",
        opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1),
        time_limit_minutes=60, pass_mark="1",
    )  # fmt: skip
    paper_service.add_fixed_section(paper, title="一、单选", question_uids=[first_of_kind("single").uid],
                                    points="2")  # fmt: skip
    paper_service.add_fixed_section(paper, title="二、简答", question_uids=[first_of_kind("essay").uid])  # fmt: skip
    paper_service.publish(paper)
    user = person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == user.id))
    for seq, item in enumerate(attempt.items, 1):
        answer = "按峰谷分时电价规定执行。" if item.kind == "essay" else key_response(item.snapshot)
        body = {"position": item.position, "seq": seq, "response": answer}
        assert web.post_json(f"/exams/attempts/{attempt.id}/answers", body).json["saved"]
    attempt_id = attempt.id
    attempt_layouts.clear()  # as on the other worker: nothing known of the attempt here
    db.session.commit()
    tried = []
    past = submission._submit_past_session
    monkeypatch.setattr(submission, "_submit_past_session",
                        lambda *a: tried.append(past(*a)) or tried[-1])  # fmt: skip
    assert web.post(f"/exams/attempts/{attempt_id}/submit").status_code == 302
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt_id)
    assert stored.status == "submitted"  # waits for its reviewer
    # SQLite graded before the claim and knew; PostgreSQL tried, and stepped back.
    assert tried == ([] if db.engine.dialect.name == "sqlite" else [None])
    essay = next(i for i in stored.items if i.kind == "essay")
    assert essay.score is None and essay.needs_review
    tasks = db.session.scalars(select(MarkingTask).where(MarkingTask.attempt_item_id == essay.id))
    assert len(list(tasks)) >= 1
    objective = next(i for i in stored.items if i.kind == "single")
    assert objective.score == objective.points
    events = db.session.scalars(
        select(ScoreEvent).where(ScoreEvent.attempt_item_id == objective.id)
    )
    assert len(list(events)) == 1


def _position_and_name(uid: int) -> tuple:
    db.session.commit()
    return tuple(db.session.execute(select(User.position, User.name).where(User.id == uid)).one())


def _waits_for_answers(monkeypatch) -> list[int]:
    """Counts the waits for the server's answer (a round trip) psycopg makes: each of its
    operations is a generator that waits for the socket to be readable once or more."""
    if db.engine.dialect.name != "postgresql":
        return []
    import psycopg

    from tests.databases import answer_awaited

    waits: list[int] = []
    plain = psycopg.Connection.wait

    def counted(self, gen, *args, **kwargs):
        return plain(self, answer_awaited(gen, lambda: waits.append(1)), *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "wait", counted)
    return waits


_rename = update(User).where(User.id == bindparam("u")).values(name=bindparam("n"))
_move = update(User).where(User.id == bindparam("u")).values(position=bindparam("p"))


def test_a_batch_is_one_round_trip_in_a_request(app, idle, monkeypatch):
    """PostgreSQL in a request: the BEGIN, the statements and, when asked, the COMMIT go in
    one round trip (pipeline mode); each statement's rows come back as `execute` gives
    them; what was committed is stored. SQLite runs them one after another, the same."""
    _web, user, _attempt, _item = idle
    uid = user.id
    db.session.commit()
    waits = _waits_for_answers(monkeypatch)
    with app.test_request_context(), past_session.transaction(db.engine) as tx:
        moved, read = tx.batch([(_move, {"u": uid, "p": "值班长"}),
                                (select(User.position).where(User.id == bindparam("u")),
                                 {"u": uid})])  # fmt: skip
        first = len(waits)
        tx.batch([(_rename, {"u": uid, "n": "批量改名"})], commit=True)
    assert moved.rowcount == 1 and read.all() == [("值班长",)]  # read after the write
    if db.engine.dialect.name == "postgresql":
        assert (first, len(waits)) == (1, 2)
    assert _position_and_name(uid) == ("值班长", "批量改名")


def _slowed(operation):
    """psycopg's operation with the client late to each wait, as on a busy machine: by the
    time it looks at the socket the server has answered whatever it was sent."""
    try:
        ready = operation.send(None)
        while True:
            time.sleep(0.02)
            ready = operation.send((yield ready))
    except StopIteration as stop:
        return stop.value


def test_a_slow_client_counts_a_pipelines_sync_as_one_round_trip(app, idle, monkeypatch):
    """The answers of a pipeline reach a late client while it still writes, so it never
    waits for reading alone: its sync is still one round trip (databases.answer_awaited),
    or the count would depend on how busy the machine is."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: no round trips")
    import psycopg

    from tests.databases import answer_awaited

    _web, user, _attempt, _item = idle
    uid = user.id
    db.session.commit()
    waits: list[int] = []
    plain = psycopg.Connection.wait

    def counted(self, gen, *args, **kwargs):
        return plain(self, _slowed(answer_awaited(gen, lambda: waits.append(1))), *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "wait", counted)
    with app.test_request_context(), past_session.transaction(db.engine) as tx:
        tx.batch([(_move, {"u": uid, "p": "慢客户端"}), (_rename, {"u": uid, "n": "慢客户端"})],
                 commit=True)  # fmt: skip
    assert len(waits) == 1
    assert _position_and_name(uid) == ("慢客户端", "慢客户端")


def test_a_statements_column_description_is_read_once(app, idle, monkeypatch):
    """psycopg builds `cursor.description` anew at each access (tens of µs for a wide row):
    past_session reads it once per statement, to make its converters, not at every call."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's description is a C attribute: nothing to save")
    import psycopg

    _web, user, _attempt, _item = idle
    statement = select(User.name, User.position).where(User.id == bindparam("u"))
    with app.test_request_context():
        past_session.read(db.engine, statement, {"u": user.id})  # converters made here
        reads: list[int] = []
        described = psycopg.Cursor.description

        def counted(cursor):
            reads.append(1)
            return described.__get__(cursor)

        monkeypatch.setattr(psycopg.Cursor, "description", property(counted))
        for _ in range(3):
            rows = past_session.read(db.engine, statement, {"u": user.id})
            assert rows == [(user.name, user.position)]
            with past_session.transaction(db.engine) as tx:
                assert tx.execute(statement, {"u": user.id}).all() == rows
                assert tx.execute(_rename, {"u": user.id, "n": user.name}).rowcount == 1
    assert reads == []


def test_a_failed_statement_in_a_batch_keeps_nothing_and_the_pool_goes_on(app, idle):
    _web, user, attempt, _item = idle
    uid = user.id
    one, two = sorted(i.id for i in attempt.items)[:2]
    taken = db.session.get(AttemptItem, two).position
    before = _position_and_name(uid)
    with app.test_request_context():
        with pytest.raises(IntegrityError), past_session.transaction(db.engine) as tx:
            tx.batch([(_move, {"u": uid, "p": "不应留下"}),
                      (_collide, {"b_id": one, "b_position": taken}),
                      (_rename, {"u": uid, "n": "不应留下"})], commit=True)  # fmt: skip
        assert _position_and_name(uid) == before
        # The pool's connections are clean: the next transaction past the session commits.
        with past_session.transaction(db.engine) as tx:
            tx.batch([(_rename, {"u": uid, "n": "之后"})], commit=True)
    assert _position_and_name(uid) == (before[0], "之后")


def _sync_level() -> str:
    """The level the pool's connections commit at (SQLite: 2 is FULL; PostgreSQL: on)."""
    sql = "PRAGMA synchronous" if db.engine.dialect.name == "sqlite" else "SHOW synchronous_commit"
    with db.engine.connect() as connection:
        return str(connection.exec_driver_sql(sql).scalar())


@pytest.mark.parametrize("in_request", [True, False], ids=["request", "command"])
def test_a_write_that_need_not_wait_commits_in_one_trip_and_leaves_the_level(
    app, idle, monkeypatch, in_request
):
    """durable=False (the start's claim): stored and committed as any write, on PostgreSQL
    in one round trip in a request (BEGIN, SET LOCAL, the statement, COMMIT); the pool's
    connections commit durably afterwards, also after a refused one."""
    _web, user, attempt, _item = idle
    uid = user.id
    one, two = sorted(i.id for i in attempt.items)[:2]
    taken = db.session.get(AttemptItem, two).position
    db.session.commit()
    level = _sync_level()
    assert level in ("2", "on")
    waits = _waits_for_answers(monkeypatch)
    with app.test_request_context() if in_request else app.app_context():
        count, _row = past_session.write(db.engine, _move, {"u": uid, "p": "组长"}, durable=False)
        trips = len(waits)
        with pytest.raises(IntegrityError):
            past_session.write(db.engine, _collide, {"b_id": one, "b_position": taken},
                               durable=False)  # fmt: skip
    assert count == 1 and _position_and_name(uid)[0] == "组长"
    if db.engine.dialect.name == "postgresql" and in_request:
        assert trips == 1
    db.session.expire_all()
    assert db.session.get(AttemptItem, one).position != taken
    db.session.commit()
    assert _sync_level() == level


@pytest.mark.parametrize("durable", [True, False], ids=["durable", "no-wait"])
@pytest.mark.parametrize("in_request", [True, False], ids=["request", "command"])
def test_a_read_after_a_write_sees_it_in_the_same_trip(app, idle, monkeypatch, durable, in_request):
    """write_and_read (the start's claim and the exam page's heading): the SELECT runs after
    the COMMIT and sees what it stored; on PostgreSQL in a request BEGIN, the statement,
    COMMIT and the SELECT are one round trip. A refused write raises and reads nothing."""
    _web, user, attempt, _item = idle
    uid = user.id
    one, two = sorted(i.id for i in attempt.items)[:2]
    taken = db.session.get(AttemptItem, two).position
    db.session.commit()
    position = select(User.position).where(User.id == bindparam("u"))
    waits = _waits_for_answers(monkeypatch)
    with app.test_request_context() if in_request else app.app_context():
        count, row, seen = past_session.write_and_read(
            db.engine, _move, {"u": uid, "p": "班长"}, position, durable=durable
        )
        trips = len(waits)
        with pytest.raises(IntegrityError):
            past_session.write_and_read(db.engine, _collide, {"b_id": one, "b_position": taken, "u": uid},
                                        position, durable=durable)  # fmt: skip
        with pytest.raises(ValueError), past_session.transaction(db.engine) as tx:
            tx.batch([(_move, {"u": uid, "p": "未提交"})], then=[(position, {"u": uid})])
    assert (count, row, seen) == (1, None, [("班长",)])
    if db.engine.dialect.name == "postgresql" and in_request:
        assert trips == 1
    assert _position_and_name(uid)[0] == "班长"
    db.session.expire_all()
    assert db.session.get(AttemptItem, one).position != taken
