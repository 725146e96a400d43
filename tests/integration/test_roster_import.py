"""Roster import: bad rows change nothing; good rows create and update, with a report."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Role, User
from tests.factories import person


def _xlsx(
    rows: list[list], header: tuple[str, ...] = ("工号", "姓名", "部门", "岗位", "角色")
) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WITH_SUPERIOR = ("工号", "姓名", "部门", "岗位", "角色", "直属上司工号")


def _upload(web, rows: list[list], *, preview: bool = False, header=None):
    data = {"file": (io.BytesIO(_xlsx(rows, header or _header(rows))), "花名册.xlsx")}
    if preview:
        data["preview"] = "y"
    return web.post("/staffing/roster", data, content_type="multipart/form-data")


def _header(rows: list[list]) -> tuple[str, ...]:
    return WITH_SUPERIOR if rows and len(rows[0]) == 6 else WITH_SUPERIOR[:5]


def _admin(make_client):
    person("admin", Role.ADMIN)
    web = make_client()
    web.login("admin")
    return web


def test_bad_rows_are_named_and_nothing_is_imported(app, make_client):
    existing = person("old", Role.STAFF)
    web = _admin(make_client)
    before = db.session.scalar(select(func.count()).select_from(User))
    db.session.commit()  # end the test's transaction: the request below writes
    page = _upload(web, [
        ["N001", "王五", "客服三部", "话务员", "客服人员"],  # good, but the file is bad
        [existing.staff_no, "新名字", "", "", ""],  # good
        ["N002", "", "客服三部", "", ""],  # 姓名 missing
        ["N003", "赵六", "", "", "经理"],  # unknown role
        ["N001", "重复", "", "", ""],  # duplicate 工号
    ]).get_data(as_text=True)  # fmt: skip
    assert "未导入任何内容" in page
    assert "第 4 行「姓名」：不能为空" in page
    assert "第 5 行「角色」：无法识别「经理」" in page
    assert "第 6 行「工号」：N001 与第 2 行重复" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert db.session.get(User, existing.id).name == "测试old"


def test_good_rows_create_and_update_people_and_report_the_changes(app, make_client):
    existing = person("old", Role.STAFF, department="客服一部")
    web = _admin(make_client)
    rows = [
        ["N001", "王五", "客服三部", "话务员", "客服人员、阅卷人"],
        [existing.staff_no, "测试old", "客服二部", "班长", "客服人员,阅卷人"],
    ]
    preview = _upload(web, rows, preview=True).get_data(as_text=True)
    assert "预览（尚未导入）" in preview
    assert db.session.scalar(select(User).where(User.staff_no == "N001")) is None
    db.session.commit()

    page = _upload(web, rows).get_data(as_text=True)
    assert "新建 <strong>1</strong> 人，更新 <strong>1</strong> 人" in page
    assert "部门：客服一部 → 客服二部" in page and "岗位：— → 班长" in page
    assert "角色：客服人员 → 客服人员、阅卷人" in page
    password = re.search(r'<code class="password">([^<]+)</code>', page).group(1)
    db.session.expire_all()
    new = db.session.scalar(select(User).where(User.staff_no == "N001"))
    assert new.username == "N001" and new.department.name == "客服三部"
    assert new.position == "话务员" and new.roles == {Role.STAFF, Role.REVIEWER}
    assert new.check_password(password)
    old = db.session.get(User, existing.id)
    assert old.department.name == "客服二部" and old.roles == {Role.STAFF, Role.REVIEWER}
    db.session.commit()

    again = _upload(web, rows).get_data(as_text=True)  # the same file twice changes nothing
    assert "新建 <strong>0</strong> 人，更新 <strong>0</strong> 人" in again


def test_roster_is_for_admins_only_and_has_a_template(app, make_client):
    person("lead", Role.LEAD)
    web = make_client()
    web.login("lead")
    assert web.get("/staffing/roster").status_code == 403
    web = _admin(make_client)
    response = web.get("/staffing/roster/template.xlsx")
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header == WITH_SUPERIOR


def test_an_admin_cannot_drop_their_own_admin_role(app, make_client):
    web = _admin(make_client)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    db.session.commit()
    page = _upload(web, [[admin.staff_no, admin.name, "", "", "客服人员"]]).get_data(as_text=True)
    assert "不能去掉您自己的系统管理员角色" in page


def test_the_direct_superior_column_sets_superiors_from_the_system_and_the_file(app, make_client):
    boss = person("boss", Role.SUPERVISOR)
    staff = person("old", Role.STAFF)
    kept = person("kept", Role.STAFF)
    kept.supervisor_id = boss.id
    web = _admin(make_client)
    rows = [
        ["N001", "王组长", "客服三部", "班长", "主管", boss.staff_no],  # a new person's superior
        ["N002", "赵六", "客服三部", "话务员", "", "N001"],  # another row of the file
        [staff.staff_no, "测试old", "", "", "", "N001"],  # someone already there
        [kept.staff_no, "测试kept", "", "", "", ""],  # blank: the superior stays
    ]  # fmt: skip
    preview = _upload(web, rows, preview=True).get_data(as_text=True)
    assert "直属上司：— → 王组长（N001）" in preview
    db.session.commit()
    page = _upload(web, rows).get_data(as_text=True)
    assert "新建 <strong>2</strong> 人，更新 <strong>1</strong> 人" in page
    assert f"<td>{boss.name}（{boss.staff_no}）</td>" in page  # the created table says it too
    db.session.expire_all()
    by_no = {u.staff_no: u for u in db.session.scalars(select(User))}
    assert by_no["N001"].supervisor_id == boss.id
    assert by_no["N002"].supervisor_id == by_no["N001"].id
    assert by_no[staff.staff_no].supervisor_id == by_no["N001"].id
    assert by_no[kept.staff_no].supervisor_id == boss.id


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["N001", "王五", "", "", "", "X999"]], "第 2 行「直属上司工号」：系统和本表中都没有工号为「X999」的人员"),
        ([["N001", "王五", "", "", "", "N001"]], "第 2 行「直属上司工号」：直属上司不能是本人（N001）"),
        ([["N001", "王五", "", "", "", "N002"], ["N002", "赵六", "", "", "", "N001"]],
         "第 2 行「直属上司工号」：N001 → N002 → N001 形成循环"),
        ([["N001", "王五", "", "", "", "N002"], ["N002", "赵六", "", "", "", "N003"],
          ["N003", "钱七", "", "", "", "N001"]], "第 4 行「直属上司工号」：N003 → N001 → N002 → N003 形成循环"),
    ],
)  # fmt: skip
def test_unknown_self_and_looping_superiors_are_named_by_row_and_nothing_is_imported(
    app, make_client, rows, message
):
    web = _admin(make_client)
    before = db.session.scalar(select(func.count()).select_from(User))
    db.session.commit()
    page = _upload(web, rows + [["N100", "好人", "客服一部", "", "", ""]]).get_data(as_text=True)
    assert "未导入任何内容" in page and message in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_a_loop_through_people_already_in_the_system_is_refused(app, make_client):
    boss = person("boss", Role.SUPERVISOR)
    staff = person("old", Role.STAFF)
    staff.supervisor_id = boss.id
    web = _admin(make_client)
    db.session.commit()
    page = _upload(web, [[boss.staff_no, boss.name, "", "", "", staff.staff_no],
                         ["N100", "好人", "", "", "", ""]]).get_data(as_text=True)  # fmt: skip
    assert (
        f"第 2 行「直属上司工号」：{boss.staff_no} → {staff.staff_no} → {boss.staff_no} 形成循环"
        in page
    )
    db.session.expire_all()
    assert db.session.get(User, boss.id).supervisor_id is None
    assert db.session.scalar(select(User).where(User.staff_no == "N100")) is None
