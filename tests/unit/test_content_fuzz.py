"""Malformed input produces errors, never exceptions."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_app.content import (
    CaseSpec,
    ContentError,
    QuestionSpec,
    load_content,
    parse_case_file,
    parse_question_file,
)

ROOT = Path(__file__).resolve().parents[2]

# Lines close to the real grammar reach deep into the parser; random text covers the rest.
VOCABULARY = [
    "---",
    "",
    "# 情景",
    "# 依据",
    "# 其他",
    "## q-1",
    "## q-2",
    "## Q 1",
    "##",
    "##x",
    "知识点: 测试",
    "编号: case-1",
    "标题: 标题",
    "出处: 条例第一条",
    "题型: 单选",
    "题型: 多选",
    "题型: 判断",
    "题型: 填空",
    "题型: 简答",
    "题型：其他",
    "难度: 3",
    "难度: 9",
    "分值: 2",
    "分值: 0",
    "分值: 1e999",
    "分值: " + "9" * 5000,
    "评分: 按权重",
    "评分: 少选得一半分",
    "评分: 全对才得分",
    "顺序: 任意",
    "步长: 0.5",
    "步长: 0",
    "标签: 甲,乙",
    "题干文字",
    "含{{1}}的题干{{2}}",
    "{{0}}{{999}}{{ }}{{一}}{{",
    "- [x] 甲",
    "- [ ] 乙",
    "- [x] (50%) 丙",
    "- [ ] (-50%) 丁",
    "- [x] (150%) 戊",
    "- [x]",
    "-[x] 错",
    "* [X] 星号",
    "答案: 正确",
    "答案: 错误",
    "答案:",
    "1. 24小时 | 二十四小时",
    "2. (50%) 一周 | ",
    "999. 九",
    "1. " + "9" * 5000,
    "解析: 说明",
    "参考答案:",
    "参考答案正文",
    "评分标准:",
    "- 要点 (3分): 甲；乙",
    "- 要点 (2.5分):",
    "- 要点 (0分): 甲",
    "- (99999分): 甲",
    "评分说明: 扣2分",
    "\ufeff",
    "\r",
    "\x00",
]

lines = st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=30)), max_size=40)


def check_result(items, errors) -> None:
    for error in errors:
        assert isinstance(error, ContentError)
        assert isinstance(error.line, int) and error.line >= 0
        assert error.message and str(error).startswith(error.file + ":")
    for q in items:
        assert isinstance(q, QuestionSpec)
        json.dumps(q.key)
        assert len(q.checksum()) == 64


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_question_files_of_junk_lines_never_raise(parts):
    text = "\n".join(parts)
    questions, errors = parse_question_file(text, "question_bank/x.md")
    check_result(questions, errors)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_case_files_of_junk_lines_never_raise(parts):
    case, errors = parse_case_file("\n".join(parts), "cases/x.md")
    assert case is None or isinstance(case, CaseSpec)
    check_result(case.questions if case else [], errors)
    if case is not None:
        assert len(case.checksum()) == 64


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    check_result(*parse_question_file(text, "question_bank/x.md"))
    case, errors = parse_case_file(text, "cases/x.md")
    check_result(case.questions if case else [], errors)


SHIPPED = sorted((ROOT / "question_bank").glob("[!R_]*.md")) + sorted(
    (ROOT / "cases").glob("case-*.md")
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SHIPPED), st.data())
def test_damaged_real_files_never_raise(path, data):
    """Delete, duplicate or garble lines of a real file: errors at most, never an exception."""
    file_lines = path.read_text(encoding="utf-8").split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(file_lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "garble", "insert"]))
        if action == "delete":
            del file_lines[index]
        elif action == "duplicate":
            file_lines.insert(index, file_lines[index])
        elif action == "garble":
            file_lines[index] = data.draw(st.text(max_size=20))
        else:
            file_lines.insert(index, data.draw(st.sampled_from(VOCABULARY)))
        if not file_lines:
            file_lines = [""]
    text = "\n".join(file_lines)
    if path.parent.name == "cases":
        case, errors = parse_case_file(text, "cases/x.md")
        check_result(case.questions if case else [], errors)
    else:
        check_result(*parse_question_file(text, "question_bank/x.md"))


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_on_disk_never_raise(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("content")
    (root / "question_bank").mkdir()
    (root / "cases").mkdir()
    (root / "question_bank" / "x.md").write_bytes(raw)
    (root / "cases" / "y.md").write_bytes(raw)
    result = load_content(root)
    check_result(result.questions, result.errors)
