"""Word banks with answers in the stem's brackets or in a key at the end, and old .doc files,
from the CLI and from the bank's import page (preview, then all or nothing)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import BankImport, Question
from tests.word_banks import KEYS_AND_BRACKETS, KEYS_EXPECTED, TABLE_KEY, docx_parts

TOPIC = "答案另附"
OLD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
# The key's bad cell: item 4 of 判断 is answered "也许".
BAD_TABLE_KEY = [
    *TABLE_KEY[:3],
    [["题号", "答案"], ["3", "√"], ["4", "也许"], ["5", "√"], ["9", "×"]],
    TABLE_KEY[4],
]


def _count(topic: str = TOPIC) -> int:
    return db.session.scalar(select(func.count(Question.id)).where(Question.topic == topic))


def _upload(web, data: bytes, name: str, **fields):
    payload = {"file": (io.BytesIO(data), name), "topic": TOPIC, **fields}
    return web.post("/bank/import", payload, content_type="multipart/form-data")


def test_cli_imports_a_docx_whose_key_is_in_tables(app, runner, tmp_path):
    path = tmp_path / "答案另附.docx"
    path.write_bytes(docx_parts(TABLE_KEY))
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code == 0, result.output
    assert f"新增 {len(KEYS_EXPECTED)} 题" in result.output
    rows = db.session.scalars(select(Question).where(Question.topic == TOPIC)).all()
    assert {r.status for r in rows} == {"draft"}
    stems = {r.stem for r in rows}
    assert "我国电力系统的额定频率为（　）Hz。" in stems and "用户应按时交纳电费。" in stems


def test_cli_imports_pasted_text_with_brackets_and_keys(app, runner, tmp_path):
    path = tmp_path / "bank.txt"
    path.write_text(KEYS_AND_BRACKETS, encoding="utf-8")
    args = ["content", "import", str(path), "--format", "text", "--topic", TOPIC]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert _count() == len(KEYS_EXPECTED)


def test_cli_refuses_a_key_that_does_not_fit_and_names_each_cell(app, runner, tmp_path):
    path = tmp_path / "坏.docx"
    path.write_bytes(docx_parts(BAD_TABLE_KEY))
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code != 0 and "未导入任何内容" in result.output
    assert (
        "（表格 2 第 3 行第 2 列）第 4 题「4．投诉可以不登记。」判断题答案“也许”" in result.output
    )
    assert (
        "（表格 2 第 5 行第 2 列）「9.×」答案部分有第 9 题，「三、判断题（每题1分）」中却没有"
        in (result.output)
    )
    assert _count() == 0


@pytest.mark.parametrize("name", ["题库.doc", "题库.docx"])
def test_cli_names_an_old_word_file_and_says_what_to_do(app, runner, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(OLD_DOC)
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code != 0
    assert f"“{name}”是旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入" in result.output


def test_web_previews_then_imports_a_docx_whose_key_is_in_tables(app, lead):
    response = _upload(lead, docx_parts(TABLE_KEY), "答案另附.docx", difficulty="2")
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert f"新增 {len(KEYS_EXPECTED)} 题" in preview and "确认导入" in preview
    # Each item as stored: the bracket emptied, the key's answer ticked.
    assert "我国电力系统的额定频率为（　）Hz。" in preview and "50 ✓" in preview
    assert "峰谷 或 峰谷分时" in preview and "错误（×）" in preview
    assert _count() == 0
    staged = db.session.scalars(select(BankImport)).one()
    assert lead.post(f"/bank/import/{staged.id}/apply", {}).status_code == 302
    rows = db.session.scalars(select(Question).where(Question.topic == TOPIC)).all()
    assert len(rows) == len(KEYS_EXPECTED) and {r.difficulty for r in rows} == {2}


def test_web_imports_pasted_text_with_a_key(app, lead):
    response = lead.post("/bank/import", {"text": KEYS_AND_BRACKETS, "topic": TOPIC})
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert f"新增 {len(KEYS_EXPECTED)} 题" in preview and "确认导入" in preview
    staged = db.session.scalars(select(BankImport)).one()
    lead.post(f"/bank/import/{staged.id}/apply", {})
    assert _count() == len(KEYS_EXPECTED)


def test_web_preview_names_each_misfit_of_the_key_and_imports_nothing(app, lead):
    preview = lead.get(
        _upload(lead, docx_parts(BAD_TABLE_KEY), "坏.docx").headers["Location"]
    ).get_data(as_text=True)
    assert "有 2 处错误，整个文件都不能导入" in preview and "确认导入" not in preview
    assert "表格 2 第 3 行第 2 列：第 4 题「4．投诉可以不登记。」判断题答案“也许”" in preview
    assert "表格 2 第 5 行第 2 列：「9.×」答案部分有第 9 题" in preview
    staged = db.session.scalars(select(BankImport)).one()
    page = lead.post(f"/bank/import/{staged.id}/apply", {}, follow_redirects=True).text
    assert "未导入任何内容" in page and _count() == 0


def test_web_preview_names_an_ambiguous_bracket_by_paragraph(app, lead):
    data = docx_parts(["一、单项选择题（每题2分）\n1. 甲（A）乙（B）\nA. 甲 B. 乙"])
    preview = lead.get(_upload(lead, data, "坏.docx").headers["Location"]).get_data(as_text=True)
    assert "第 2 段：第 1 题「1. 甲（A）乙（B）」题干中有 2 处括号像是答案" in preview


@pytest.mark.parametrize("name, fmt", [("题库.doc", ""), ("题库.doc", "word"), ("题库.docx", "")])
def test_web_names_an_old_word_file_and_keeps_nothing(app, lead, name, fmt):
    page = _upload(lead, OLD_DOC, name, format=fmt).get_data(as_text=True)
    assert f"“{name}”是旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入" in page
    assert "文件未保存" in page
    assert db.session.scalar(select(func.count(BankImport.id))) == 0
