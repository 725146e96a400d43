"""Importing files into the bank (preview, then all or nothing) and exporting it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exam_app.content.excel import write_workbook
from exam_app.content.gift import read_gift
from exam_app.extensions import db
from exam_app.models import BankImport, Question, QuestionVersion
from exam_app.services import ServiceError
from exam_app.services.bank_history import spec_of
from exam_app.services.bank_transfer import apply_plan, plan_import, read_file
from tests.factories import first_of_kind

ROOT = Path(__file__).resolve().parents[2]
MOODLE = ROOT.parent / "shared" / "peer" / "moodle-gift"


def _count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def _new_items(n: int, start: int = 1) -> list:
    base = spec_of(first_of_kind("single"))
    import dataclasses

    return [
        dataclasses.replace(base, id=f"xl-{i:03d}", stem=f"导入的题 {i}", case_id=None)
        for i in range(start, start + n)
    ]


def _upload(web, data: bytes, name: str, **fields):
    payload = {"file": (io.BytesIO(data), name), **fields}
    return web.post("/bank/import", payload, content_type="multipart/form-data")


def test_upload_preview_then_apply_as_drafts(app, lead):
    before = _count()
    changed = spec_of(first_of_kind("tf"))
    import dataclasses

    changed = dataclasses.replace(changed, explanation=changed.explanation + "（补充）")
    data = write_workbook([*_new_items(3), changed])
    response = _upload(lead, data, "新题.xlsx")
    assert response.status_code == 302
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "新增 3 题，更新 1 题" in preview and "xl-002" in preview and "确认导入" in preview
    assert _count() == before  # a preview writes nothing
    staged = db.session.scalars(select(BankImport)).one()
    assert lead.post(f"/bank/import/{staged.id}/apply", {}).status_code == 302
    assert _count() == before + 3
    new = db.session.scalar(select(Question).where(Question.uid == "xl-001"))
    assert new.status == "draft" and new.version == 1
    tf = db.session.get(Question, first_of_kind("tf").id)
    assert tf.version == 2 and tf.status == "draft" and tf.explanation.endswith("（补充）")
    note = db.session.scalar(
        select(QuestionVersion.note).where(QuestionVersion.question_id == new.id)
    )
    assert "新题.xlsx" in note
    # The same upload cannot be applied twice.
    page = lead.post(f"/bank/import/{staged.id}/apply", {}, follow_redirects=True).text
    assert "已经导入过" in page and _count() == before + 3


def test_a_file_with_one_bad_row_imports_nothing_and_lists_every_error(app, lead):
    data = write_workbook(_new_items(5))
    book = load_workbook(io.BytesIO(data))
    sheet = book["题目"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=4, column=header.index("分值") + 1, value="很多")
    sheet.cell(row=6, column=header.index("答案") + 1, value="Z")
    out = io.BytesIO()
    book.save(out)
    before = _count()
    response = _upload(lead, out.getvalue(), "坏.xlsx")
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "有 2 处错误，整个文件都不能导入" in preview
    assert "第 4 行" in preview and "第 6 行" in preview and "确认导入" not in preview
    staged = db.session.scalars(select(BankImport)).one()
    page = lead.post(f"/bank/import/{staged.id}/apply", {}, follow_redirects=True).text
    assert "未导入任何内容" in page and _count() == before


def test_import_is_all_or_nothing_in_the_database(app):
    items = _new_items(3)
    import dataclasses

    items[2] = dataclasses.replace(items[2], case_id="no-such-case")
    plan = plan_import(read_file(write_workbook(items), "x.xlsx", "excel"))
    assert [e.line for e in plan.errors] == [4] and "no-such-case" in plan.errors[0].message
    with pytest.raises(ServiceError):
        apply_plan(plan, user=None)
    assert db.session.scalar(select(Question).where(Question.uid == "xl-001")) is None


def test_a_failure_while_writing_rolls_everything_back(app, monkeypatch):
    plan = plan_import(read_file(write_workbook(_new_items(3)), "x.xlsx", "excel"))
    from exam_app.services import bank_transfer

    calls = []

    def failing(*args, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kw)

    real = bank_transfer.write_question
    monkeypatch.setattr(bank_transfer, "write_question", failing)
    with pytest.raises(RuntimeError):
        apply_plan(plan, user=None)
    assert db.session.scalar(select(Question).where(Question.uid == "xl-001")) is None


def test_export_downloads_and_template(app, lead):
    response = lead.get("/bank/export?format=excel&kind=tf")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data))["题目"].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"判断"}
    gift = lead.get("/bank/export?format=gift").get_data(as_text=True)
    assert read_gift(gift, "x.gift").questions.__len__() == _count()
    template = lead.get("/bank/template.xlsx")
    assert load_workbook(io.BytesIO(template.data)).sheetnames == ["题目", "案例", "说明"]


def test_cli_export_then_import_finds_everything_unchanged(app, runner, tmp_path):
    for fmt, name in (("excel", "bank.xlsx"), ("gift", "bank.gift")):
        out = tmp_path / name
        result = runner.invoke(args=["content", "export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["content", "import", str(out)])
        assert result.exit_code == 0, result.output
        assert f"新增 0 题，更新 0 题，未变 {_count()} 题" in result.output


@pytest.mark.skipif(not MOODLE.is_dir(), reason="../shared/peer/moodle-gift 不存在")
def test_cli_imports_moodles_examples_and_names_what_it_skipped(app, runner):
    before = _count()
    result = runner.invoke(
        args=[
            "content",
            "import",
            str(MOODLE / "examples.txt"),
            "--format",
            "gift",
            "--topic",
            "Moodle 示例",
            "--reviewed",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert "examples.txt:55: 匹配题" in result.output and "examples.txt:16: 数值题" in result.output
    assert _count() == before + 32
    imported = db.session.scalar(select(Question).where(Question.uid == "kanji-origins"))
    assert imported.status == "reviewed" and imported.topic == "Moodle 示例"


def test_cli_import_of_a_bad_file_fails_and_names_the_line(app, runner, tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("好的题{=甲 ~乙}\n\n坏的题{=甲 ~乙\n", encoding="utf-8")
    before = _count()
    result = runner.invoke(args=["content", "import", str(path), "--topic", "话题"])
    assert (
        result.exit_code != 0
        and "bad.gift:3:" in result.output
        and "未导入任何内容" in result.output
    )
    assert _count() == before


# -- Word banks and pasted text ------------------------------------------------------------


def _word_items():
    from tests.word_banks import EXPECTED

    return len(EXPECTED)


def test_cli_imports_a_word_bank_of_every_layout_as_drafts(app, runner, tmp_path):
    from tests.word_banks import EVERY_LAYOUT, docx_bytes

    path = tmp_path / "题库.docx"
    path.write_bytes(docx_bytes(EVERY_LAYOUT))
    before = _count()
    args = ["content", "import", str(path), "--topic", "Word 导入", "--difficulty", "2"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"新增 {_word_items()} 题" in result.output and "（第 1 段）" in result.output
    assert _count() == before + _word_items()
    rows = db.session.scalars(select(Question).where(Question.topic == "Word 导入")).all()
    assert {r.status for r in rows} == {"draft"} and {r.difficulty for r in rows} == {2}
    assert sorted(r.kind for r in rows) == sorted(k for k, _ in __import__(
        "tests.word_banks", fromlist=["EXPECTED"]).EXPECTED)  # fmt: skip
    again = runner.invoke(args=args)
    assert f"新增 0 题，更新 0 题，未变 {_word_items()} 题" in again.output


def test_cli_refuses_a_malformed_word_bank_and_names_the_paragraph(app, runner, tmp_path):
    from tests.word_banks import EVERY_LAYOUT, docx_bytes

    path = tmp_path / "坏.docx"
    bad = EVERY_LAYOUT.replace("答案：√", "答案：也许")
    path.write_bytes(docx_bytes(bad))
    before = _count()
    result = runner.invoke(args=["content", "import", str(path), "--topic", "Word 导入"])
    assert result.exit_code != 0 and "未导入任何内容" in result.output
    paragraph = bad.split("\n").index("答案：也许") + 1
    assert (
        f"（第 {paragraph} 段）第 2 题「2. 用户应按时交纳电费。」判断题答案“也许”" in result.output
    )
    assert _count() == before


def test_web_imports_a_word_bank_after_showing_every_item(app, lead):
    from tests.word_banks import EVERY_LAYOUT, docx_bytes

    before = _count()
    response = _upload(
        lead, docx_bytes(EVERY_LAYOUT), "题库.docx", topic="Word 导入", difficulty="4"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert f"新增 {_word_items()} 题" in preview and "Word 题库" in preview
    assert "第 4 段" in preview and "1‰至3‰ ✓" in preview  # each item as it will be stored
    assert "峰谷 或 峰谷分时" in preview and "错误（×）" in preview and "重大投诉" in preview
    assert "作为标题未导入" in preview and "确认导入" in preview
    assert _count() == before
    staged = db.session.scalars(select(BankImport)).one()
    assert lead.post(f"/bank/import/{staged.id}/apply", {}).status_code == 302
    rows = db.session.scalars(select(Question).where(Question.topic == "Word 导入")).all()
    assert len(rows) == _word_items() and {r.status for r in rows} == {"draft"}
    assert {r.difficulty for r in rows} == {4}


def test_web_imports_pasted_text(app, lead):
    text = "一、判断题（每题1分）\n1. 用户应按时交纳电费。（√）\n2. 欠费可随意停电。\n答案：×"
    response = lead.post("/bank/import", {"text": text, "topic": "粘贴导入", "difficulty": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "新增 2 题" in preview and "粘贴的文本" in preview and "第 2 行" in preview
    staged = db.session.scalars(select(BankImport)).one()
    assert staged.format == "text"
    lead.post(f"/bank/import/{staged.id}/apply", {})
    rows = db.session.scalars(select(Question).where(Question.topic == "粘贴导入")).all()
    assert sorted(r.stem for r in rows) == ["欠费可随意停电。", "用户应按时交纳电费。"]


def test_web_preview_of_a_malformed_word_bank_names_each_place_and_imports_nothing(app, lead):
    from tests.word_banks import docx_bytes

    data = docx_bytes(
        "一、计算题（每题5分）\n二、单选题（每题2分）\n1. 题（  ）\nA．甲 B．乙\n答案：A\n这一段认不出",
        table_rows=[["2. 题二", "A．甲 B．乙", "答案：Z"]],
    )
    before = _count()
    response = _upload(lead, data, "坏.docx", topic="Word 导入")
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "有 3 处错误，整个文件都不能导入" in preview and "确认导入" not in preview
    assert "第 1 段：「一、计算题（每题5分）」大题题型“计算题”无法识别" in preview
    assert "第 6 段：「这一段认不出」无法识别" in preview
    assert "表格 1 第 1 行第 3 列：第 2 题「2. 题二」答案“Z”应为选项中的字母" in preview
    staged = db.session.scalars(select(BankImport)).one()
    page = lead.post(f"/bank/import/{staged.id}/apply", {}, follow_redirects=True).text
    assert "未导入任何内容" in page and _count() == before


def test_web_import_needs_a_file_or_text_and_a_topic_for_word(app, lead):
    page = lead.post("/bank/import", {"topic": "x"}).get_data(as_text=True)
    assert "请选择要导入的文件，或粘贴题目文本" in page
    page = lead.post("/bank/import", {"text": "一、判断题\n1. 甲（√）"}).get_data(as_text=True)
    assert "请填写知识点" in page
