"""简答 rubrics and 案例 from a Word file or pasted text, through the CLI and the bank's import
page: previewed as they will be stored, then stored as drafts, all or nothing."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from exam_app.content.model import fmt_decimal
from exam_app.extensions import db
from exam_app.models import BankImport, Case, Question
from exam_app.services.bank_history import spec_of
from tests.word_banks import RUBRICS_AND_CASES, RUBRICS_EXPECTED, docx_bytes

TOPIC = "案例导入"
NO_SOURCE = RUBRICS_AND_CASES.replace("出处：某客户服务中心业务考核试题·案例分析第12题\n", "")
BAD_LEVELS = RUBRICS_AND_CASES.replace("正确 3分：举出两例", "正确 3分")


def _questions() -> list[Question]:
    query = select(Question).where(Question.topic == TOPIC).order_by(Question.id)
    return list(db.session.scalars(query))


def _cases() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.topic == TOPIC))


def _stored_shape() -> list:
    shape = []
    for row in _questions():
        spec = spec_of(row)
        criteria = [
            (c.title, str(c.points), c.key_points, tuple(lv.label for lv in c.levels))
            for c in spec.rubric
        ]
        shape.append((fmt_decimal(spec.points), row.case.title if row.case else None, criteria))
    return sorted(shape, key=repr)


def test_cli_imports_rubrics_and_cases_from_a_docx_as_drafts(app, runner, tmp_path):
    path = tmp_path / "案例.docx"
    path.write_bytes(docx_bytes(RUBRICS_AND_CASES))
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code == 0, result.output
    assert "新增 6 题" in result.output and "案例新增 2 个" in result.output
    assert _stored_shape() == sorted(RUBRICS_EXPECTED, key=repr)
    assert {q.status for q in _questions()} == {"draft"}
    case = db.session.scalar(select(Case).where(Case.title == "物业公司在裙楼平台设置广告"))
    assert case.source == "某客户服务中心业务考核试题·案例分析第12题"
    assert case.basis.startswith("《民法典》第二百七十八条") and "业主委员会" in case.scenario
    again = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert "新增 0 题，更新 0 题，未变 6 题" in again.output and _cases() == 2


def test_cli_imports_pasted_text_with_rubrics_and_cases(app, runner, tmp_path):
    path = tmp_path / "案例.txt"
    path.write_text(RUBRICS_AND_CASES, encoding="utf-8")
    args = ["content", "import", str(path), "--format", "text", "--topic", TOPIC]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert _stored_shape() == sorted(RUBRICS_EXPECTED, key=repr) and _cases() == 2


def test_cli_refuses_a_case_without_its_source_naming_the_paragraph(app, runner, tmp_path):
    path = tmp_path / "坏.docx"
    path.write_bytes(docx_bytes(NO_SOURCE))
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code != 0 and "未导入任何内容" in result.output
    assert "（第 23 段）案例「物业公司在裙楼平台设置广告」没有出处" in result.output
    assert _questions() == [] and _cases() == 0


def test_cli_refuses_levels_without_descriptions_naming_the_paragraph(app, runner, tmp_path):
    path = tmp_path / "坏.docx"
    path.write_bytes(docx_bytes(BAD_LEVELS))
    result = runner.invoke(args=["content", "import", str(path), "--topic", TOPIC])
    assert result.exit_code != 0
    assert "（第 12 段）第 1 题「1. 简述峰谷分时电价。」评分项“举例说明”的档次“正确”没有写明" in (
        result.output
    )
    assert _questions() == [] and _cases() == 0


def test_web_previews_a_case_and_its_rubrics_then_imports_drafts(app, lead):
    payload = {"file": (io.BytesIO(docx_bytes(RUBRICS_AND_CASES)), "案例.docx"), "topic": TOPIC}
    response = lead.post("/bank/import", payload, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "新增 6 题" in preview and "案例新增 2 个" in preview and "案例（2）" in preview
    for shown in (
        "物业公司在裙楼平台设置广告",  # the case as it will be stored
        "业主委员会要求撤除该广告。",
        "《民法典》第二百八十二条：共有部分的收入扣除合理成本后属于业主共有。",
        "出处：某客户服务中心业务考核试题·案例分析第12题",
        "案例：保洁员擅自进入业主家",  # a question names its case
        "举例说明（3 分）：居民峰谷电价；工商业分时电价",  # the rubric as it will be stored
        "<strong>部分正确</strong>（1.5 分）：举出一例",
        "答题不完整扣2分。",
    ):
        assert shown in preview, shown
    assert "确认导入" in preview and _questions() == []
    staged = db.session.scalars(select(BankImport)).one()
    assert lead.post(f"/bank/import/{staged.id}/apply", {}).status_code == 302
    assert _stored_shape() == sorted(RUBRICS_EXPECTED, key=repr)
    assert {q.status for q in _questions()} == {"draft"} and _cases() == 2


def test_web_preview_of_pasted_text_missing_a_source_names_the_case_and_imports_nothing(app, lead):
    response = lead.post("/bank/import", {"text": NO_SOURCE, "topic": TOPIC, "difficulty": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "有 1 处错误，整个文件都不能导入" in preview and "确认导入" not in preview
    assert "第 23 行：案例「物业公司在裙楼平台设置广告」没有出处" in preview
    assert "系统不会替你填写出处" in preview
    staged = db.session.scalars(select(BankImport)).one()
    page = lead.post(f"/bank/import/{staged.id}/apply", {}, follow_redirects=True).text
    assert "未导入任何内容" in page and _questions() == [] and _cases() == 0
