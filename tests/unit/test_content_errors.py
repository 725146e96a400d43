"""Every validation rule reports its Chinese message at the line a training lead must fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_app.content import load_content, parse_case_file, parse_question_file

HEAD = "---\n知识点: 测试\n---\n\n"
SINGLE = """## s-1
题型: 单选
分值: 1

题干

- [ ] 甲
- [x] 乙
- [ ] 丙
- [ ] 丁

解析: 说明
"""
MULTI = """## m-1
题型: 多选
分值: 2

题干

- [x] 甲
- [x] 乙
- [ ] 丙
"""
TF = "## t-1\n题型: 判断\n分值: 1\n\n题干\n\n答案: 正确\n"
FILL = """## f-1
题型: 填空
分值: 2

甲{{1}}乙{{2}}。

答案:
1. 一
2. 二
"""
ESSAY = """## e-1
题型: 简答
分值: 5
步长: 1

问题

评分标准:
- 主要内容 (3分): 甲；乙
- 答题完整 (2分): 丙

参考答案:
答案
"""


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the nth line containing marker (the tests name lines by content)."""
    lines = text.split("\n")
    for number in range(len(lines)):
        if marker in lines[number]:
            nth -= 1
            if nth == 0:
                return number + 1
    raise AssertionError(f"marker {marker!r} not in text")


def errors_of(text: str) -> list[tuple[int, str]]:
    _, errors = parse_question_file(text, "question_bank/t.md")
    assert all(e.file == "question_bank/t.md" for e in errors)
    return [(e.line, e.message) for e in errors]


def sub(base: str, old: str, new: str) -> str:
    assert old in base
    return base.replace(old, new, 1)


# (id, file text, marker of the expected line, expected part of the message)
QUESTION_RULES = [
    ("unknown kind", HEAD + sub(TF, "题型: 判断", "题型: 选择"), "题型: 选择", "未知题型“选择”"),
    ("missing kind", HEAD + sub(TF, "题型: 判断\n", ""), "## t-1", "缺少“题型”"),
    (
        "difficulty 6",
        HEAD + sub(TF, "分值: 1", "分值: 1\n难度: 6"),
        "难度: 6",
        "难度应为 1 到 5 的整数",
    ),
    ("difficulty 0", HEAD + sub(TF, "分值: 1", "分值: 1\n难度: 0"), "难度: 0", "难度应为 1 到 5"),
    (
        "difficulty in file header",
        "---\n知识点: 测试\n难度: 高\n---\n\n" + TF,
        "难度: 高",
        "难度应为 1 到 5 的整数，不是“高”",
    ),
    ("points zero", HEAD + sub(TF, "分值: 1", "分值: 0"), "分值: 0", "分值应为正数"),
    ("points negative", HEAD + sub(TF, "分值: 1", "分值: -1"), "分值: -1", "分值应为正数"),
    (
        "points three decimals",
        HEAD + sub(TF, "分值: 1", "分值: 1.255"),
        "分值: 1.255",
        "分值应为正数（最多两位小数）",
    ),
    ("points not a number", HEAD + sub(TF, "分值: 1", "分值: NaN"), "分值: NaN", "分值应为正数"),
    ("points missing", HEAD + sub(TF, "分值: 1\n", ""), "## t-1", "缺少“分值”"),
    (
        "single without correct option",
        HEAD + sub(SINGLE, "- [x] 乙", "- [ ] 乙"),
        "- [ ] 丁",
        "第 4 个选项之后没有标出正确答案",
    ),
    (
        "single with two correct options",
        HEAD + sub(SINGLE, "- [ ] 丙", "- [x] 丙"),
        "- [x] 丙",
        "单选题只能有 1 个正确答案，现标出了 2 个",
    ),
    (
        "single with one option",
        HEAD + "## s-1\n题型: 单选\n分值: 1\n\n题干\n\n- [x] 甲\n",
        "- [x] 甲",
        "单选题至少要有 2 个选项（现有 1 个）",
    ),
    (
        "single without options",
        HEAD + "## s-1\n题型: 单选\n分值: 1\n\n题干\n",
        "## s-1",
        "单选题没有选项",
    ),
    (
        "multi with two options",
        HEAD + sub(MULTI, "- [ ] 丙\n", ""),
        "- [x] 乙",
        "多选题至少要有 3 个选项（现有 2 个）",
    ),
    (
        "multi with one correct option",
        HEAD + sub(MULTI, "- [x] 乙", "- [ ] 乙"),
        "- [ ] 丙",
        "多选题至少要有 2 个正确答案（现标出 1 个）",
    ),
    (
        "tf without answer",
        HEAD + sub(TF, "答案: 正确\n", ""),
        "## t-1",
        "判断题缺少“答案: 正确”或“答案: 错误”",
    ),
    (
        "tf with other answer",
        HEAD + sub(TF, "答案: 正确", "答案: 是"),
        "答案: 是",
        "判断题的答案应为“正确”或“错误”，不是“是”",
    ),
    (
        "tf with options",
        HEAD + sub(TF, "题干\n", "题干\n\n- [x] 对\n- [ ] 错\n"),
        "- [x] 对",
        "判断题不需要选项",
    ),
    (
        "fill marker without answer",
        HEAD + sub(FILL, "2. 二\n", ""),
        "答案:",
        "题干中的 {{2}} 没有对应的答案行“2. …”",
    ),
    (
        "fill answer without marker",
        HEAD + FILL + "3. 三\n",
        "3. 三",
        "答案第 3 空在题干中没有对应的 {{3}}",
    ),
    (
        "fill without markers",
        HEAD + sub(FILL, "甲{{1}}乙{{2}}。", "甲乙。"),
        "甲乙。",
        "题干中没有填空标记",
    ),
    (
        "fill duplicate marker",
        HEAD + sub(FILL, "乙{{2}}", "乙{{1}}{{2}}"),
        "甲{{1}}",
        "填空标记 {{1}} 重复",
    ),
    (
        "fill numbering gap",
        HEAD + sub(sub(FILL, "{{2}}", "{{3}}"), "2. 二", "3. 二"),
        "甲{{1}}",
        "缺少 {{2}}",
    ),
    ("fill bad marker", HEAD + sub(FILL, "{{2}}", "{{二}}"), "{{二}}", "填空标记“{{二}}”写法不对"),
    (
        "fill without answers",
        HEAD + sub(FILL, "答案:\n1. 一\n2. 二\n", ""),
        "## f-1",
        "填空题缺少“答案:”",
    ),
    ("fill bad answer line", HEAD + sub(FILL, "2. 二", "二"), "二", "填空答案每空一行"),
    (
        "fill only partial answers",
        HEAD + sub(FILL, "2. 二", "2. (50%) 二"),
        "2. (50%)",
        "第 2 空没有满分答案",
    ),
    (
        "fill empty alternative",
        HEAD + sub(FILL, "2. 二", "2. 二 | "),
        "2. 二",
        "第 2 空有空白的答案",
    ),
    (
        "fill bad order",
        HEAD + sub(FILL, "分值: 2", "分值: 2\n顺序: 随便"),
        "顺序: 随便",
        "“顺序”应为“任意”或“固定”",
    ),
    (
        "essay without rubric",
        HEAD + sub(ESSAY, "评分标准:\n- 主要内容 (3分): 甲；乙\n- 答题完整 (2分): 丙\n", ""),
        "## e-1",
        "简答题缺少“评分标准”",
    ),
    (
        "essay points do not add up",
        HEAD + sub(ESSAY, "答题完整 (2分)", "答题完整 (1分)"),
        "评分标准:",
        "评分标准各项合计 4 分，与题目分值 5 分不一致",
    ),
    (
        "essay without reference",
        HEAD + sub(ESSAY, "参考答案:\n答案\n", ""),
        "## e-1",
        "简答题缺少“参考答案”",
    ),
    (
        "essay bad criterion",
        HEAD + sub(ESSAY, "- 答题完整 (2分): 丙", "- 答题完整 2分 丙"),
        "答题完整 2分",
        "评分项格式应为",
    ),
    (
        "essay criterion off step",
        HEAD + sub(sub(ESSAY, "(3分)", "(2.5分)"), "(2分)", "(2.5分)"),
        "主要内容",
        "不是步长 1 的整数倍",
    ),
    (
        "essay criterion without key points",
        HEAD + sub(ESSAY, "(2分): 丙", "(2分):"),
        "答题完整",
        "没有列出要点",
    ),
    (
        "essay empty rubric",
        HEAD + sub(ESSAY, "- 主要内容 (3分): 甲；乙\n- 答题完整 (2分): 丙\n", ""),
        "评分标准:",
        "下没有评分项",
    ),
    ("essay bad step", HEAD + sub(ESSAY, "步长: 1", "步长: 0"), "步长: 0", "“步长”应为正数"),
    (
        "unknown field",
        HEAD + sub(TF, "分值: 1", "分值: 1\n作者: 张三"),
        "作者: 张三",
        "未知字段“作者”",
    ),
    (
        "section in header",
        HEAD + sub(TF, "分值: 1", "分值: 1\n解析: 早了"),
        "解析: 早了",
        "“解析”应写在题干和选项之后",
    ),
    ("field in body", HEAD + TF + "出处: 晚了\n", "出处: 晚了", "“出处”应写在题头"),
    ("empty stem", HEAD + sub(TF, "题干\n\n", ""), "## t-1", "题干为空"),
    (
        "no blank line after header",
        HEAD + sub(TF, "分值: 1\n\n", "分值: 1\n"),
        "题干",
        "题干与题头之间要空一行",
    ),
    (
        "duplicate id in file",
        HEAD + TF + "\n" + TF,
        ("## t-1", 2),
        "题目编号“t-1”重复：第 5 行已使用",
    ),
    (
        "unknown rule",
        HEAD + sub(MULTI, "分值: 2", "分值: 2\n评分: 随便"),
        "评分: 随便",
        "未知的评分规则“随便”",
    ),
    (
        "rule on single",
        HEAD + sub(SINGLE, "分值: 1", "分值: 1\n评分: 少选不得分"),
        "评分:",
        "“评分”只用于多选、填空题，本题是单选题",
    ),
    (
        "fill rule on multi",
        HEAD + sub(MULTI, "分值: 2", "分值: 2\n评分: 全对才得分"),
        "评分:",
        "多选题可用",
    ),
    (
        "weights without weighted rule",
        HEAD + sub(MULTI, "- [x] 甲", "- [x] (50%) 甲"),
        "(50%) 甲",
        "只有“评分: 按权重”的多选题才能给选项写权重",
    ),
    (
        "weights not adding up",
        HEAD
        + sub(
            sub(sub(MULTI, "分值: 2", "分值: 2\n评分: 按权重"), "- [x] 甲", "- [x] (40%) 甲"),
            "- [x] 乙",
            "- [x] (50%) 乙",
        ),
        "评分: 按权重",
        "正确选项的权重合计为 90%，应为 100%",
    ),
    (
        "weighted correct option without weight",
        HEAD + sub(sub(MULTI, "分值: 2", "分值: 2\n评分: 按权重"), "- [x] 甲", "- [x] (100%) 甲"),
        "- [x] 乙",
        "每个正确选项都要写大于 0 的权重",
    ),
    (
        "weighted wrong option with positive weight",
        HEAD
        + sub(
            sub(sub(MULTI, "分值: 2", "分值: 2\n评分: 按权重"), "- [x] 甲", "- [x] (50%) 甲"),
            "- [x] 乙",
            "- [x] (50%) 乙",
        ).replace("- [ ] 丙", "- [ ] (10%) 丙"),
        "(10%) 丙",
        "错误选项的权重不能大于 0",
    ),
    ("bad id", HEAD + sub(TF, "## t-1", "## T_1"), "## T_1", "题目编号“T_1”不合规"),
    ("heading without space", HEAD + sub(TF, "## t-1", "##t-1"), "##t-1", "## 后面要有一个空格"),
    (
        "malformed option",
        HEAD + sub(SINGLE, "- [ ] 丙", "-[ ] 丙"),
        "-[ ] 丙",
        "选项格式应为“- [x] 文本”",
    ),
    ("empty option", HEAD + sub(SINGLE, "- [ ] 丙", "- [ ]"), ("- [ ]", 2), "选项内容为空"),
    ("duplicate option", HEAD + sub(SINGLE, "- [ ] 丙", "- [ ] 甲"), ("- [ ] 甲", 2), "选项与第"),
    (
        "text after options",
        HEAD + sub(SINGLE, "\n解析: 说明", "这行不是选项\n解析: 说明"),
        "这行不是选项",
        "选项之后有无法识别的文字",
    ),
    ("option after a section", HEAD + SINGLE + "- [ ] 戊\n", "- [ ] 戊", "选项应紧接题干"),
    (
        "blank marker outside fill",
        HEAD + sub(TF, "题干", "题干{{1}}"),
        "题干{{1}}",
        "只有填空题才能用填空标记 {{1}}",
    ),
    (
        "answer on a choice item",
        HEAD + SINGLE + "答案: B\n",
        "答案: B",
        "选择题的正确答案用选项前的 [x] 标出",
    ),
    (
        "reference answer on tf",
        HEAD + TF + "参考答案: 对\n",
        "参考答案: 对",
        "“参考答案”只用于简答题",
    ),
    ("duplicate section", HEAD + SINGLE + "解析: 又一遍\n", "解析: 又一遍", "“解析”重复"),
    (
        "duplicate header field",
        HEAD + sub(TF, "分值: 1", "分值: 1\n分值: 2"),
        "分值: 2",
        "“分值”重复",
    ),
    (
        "question without heading",
        HEAD + "题型: 判断\n分值: 1\n\n题干\n",
        "题型: 判断",
        "前面缺少“## 编号”标题",
    ),
    ("no front matter", TF, "## t-1", "文件开头缺少文件头"),
    ("front matter without topic", "---\n难度: 2\n---\n\n" + TF, "---", "文件头缺少“知识点”"),
    ("front matter not closed", "---\n知识点: 测试\n\n" + TF, "---", "文件头没有以 --- 结束"),
    (
        "unknown front matter field",
        "---\n知识点: 测试\n作者: 张三\n---\n\n" + TF,
        "作者: 张三",
        "文件头中有未知字段“作者”",
    ),
    (
        "source too long",
        HEAD + sub(TF, "分值: 1", "分值: 1\n出处: " + "长" * 301),
        "出处: 长",
        "出处过长",
    ),
]


@pytest.mark.parametrize(
    ("text", "marker", "message"),
    [case[1:] for case in QUESTION_RULES],
    ids=[case[0] for case in QUESTION_RULES],
)
def test_question_rule_reports_message_at_line(text, marker, message):
    found = errors_of(text)
    expected_line = line_of(text, *marker) if isinstance(marker, tuple) else line_of(text, marker)
    assert any(line == expected_line and message in text_ for line, text_ in found), found


# A file-header problem leaves the questions themselves intact (the loader still refuses the set).
KEEPS_QUESTIONS = {
    "difficulty in file header",
    "unknown front matter field",
    "front matter not closed",
    "duplicate id in file",
}


@pytest.mark.parametrize(
    "text",
    [case[1] for case in QUESTION_RULES if case[0] not in KEEPS_QUESTIONS],
    ids=[case[0] for case in QUESTION_RULES if case[0] not in KEEPS_QUESTIONS],
)
def test_a_question_with_an_error_is_not_returned(text):
    questions, errors = parse_question_file(text, "question_bank/t.md")
    assert errors
    assert questions == []


def test_bases_are_valid():
    # The broken variants above are built from these; they must be clean to begin with.
    for body in (SINGLE, MULTI, TF, FILL, ESSAY):
        questions, errors = parse_question_file(HEAD + body, "question_bank/t.md")
        assert errors == [] and len(questions) == 1


def test_every_problem_of_a_file_is_reported_at_once():
    text = HEAD + sub(TF, "题型: 判断", "题型: 选择") + "\n" + sub(SINGLE, "分值: 1", "分值: 0")
    lines = [line for line, _ in errors_of(text)]
    assert line_of(text, "题型: 选择") in lines
    assert line_of(text, "分值: 0") in lines


CASE = """---
编号: case-x
标题: 示例
知识点: 物业管理案例
出处: 种子文档000
---

# 情景

情景文字。

# 依据

依据文字。

## case-x-q1
分值: 2

问题

评分标准:
- 要点 (2分): 甲

参考答案:
答案
"""

CASE_RULES = [
    (
        "missing scenario",
        sub(CASE, "# 情景\n\n情景文字。\n\n", ""),
        "## case-x-q1",
        "案例缺少“# 情景”部分",
    ),
    ("empty basis", sub(CASE, "依据文字。\n", ""), "# 依据", "“# 依据”下没有内容"),
    ("unknown section", sub(CASE, "# 依据", "# 分析"), "# 分析", "未知的部分“# 分析”"),
    ("duplicate section", sub(CASE, "# 依据", "# 情景"), ("# 情景", 2), "“# 情景”重复"),
    (
        "text before sections",
        sub(CASE, "# 情景\n", "开场白\n# 情景\n"),
        "开场白",
        "文件头之后应先写“# 情景”",
    ),
    ("no questions", CASE.split("## case-x-q1")[0], "依据文字", "案例中没有题目"),
    (
        "section after questions",
        CASE + "\n# 依据\n",
        ("# 依据", 2),
        "应写在所有题目（## 编号）之前",
    ),
    ("missing id", sub(CASE, "编号: case-x\n", ""), "---", "文件头缺少“编号”"),
    ("missing title", sub(CASE, "标题: 示例\n", ""), "---", "文件头缺少“标题”"),
    ("missing source", sub(CASE, "出处: 种子文档000\n", ""), "---", "文件头缺少“出处”"),
    (
        "bad case id",
        sub(CASE, "编号: case-x", "编号: Case 1"),
        "编号: Case 1",
        "案例编号“Case 1”不合规",
    ),
    ("bad question in case", sub(CASE, "(2分)", "(3分)"), "评分标准:", "评分标准各项合计 3 分"),
]


@pytest.mark.parametrize(
    ("text", "marker", "message"),
    [case[1:] for case in CASE_RULES],
    ids=[case[0] for case in CASE_RULES],
)
def test_case_rule_reports_message_at_line(text, marker, message):
    expected_line = line_of(text, *marker) if isinstance(marker, tuple) else line_of(text, marker)
    case, errors = parse_case_file(text, "cases/x.md")
    assert case is None
    found = [(e.line, e.message) for e in errors]
    assert any(line == expected_line and message in text_ for line, text_ in found), found


def test_valid_case_base():
    case, errors = parse_case_file(CASE, "cases/x.md")
    assert errors == [] and case is not None


def write(root: Path, name: str, text: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_non_utf8_file_is_reported_with_its_line(tmp_path):
    text = HEAD + TF + "解析: 含中文的说明\n"
    write(tmp_path, "question_bank/gbk.md", text.encode("gbk"))
    errors = load_content(tmp_path).errors
    assert [(e.file, e.line) for e in errors] == [("question_bank/gbk.md", 2)]
    assert "文件不是 UTF-8 编码（看起来是 GBK/GB2312 编码）" in errors[0].message


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    write(tmp_path, "question_bank/a.md", HEAD + TF)
    write(tmp_path, "question_bank/b.md", HEAD + "\n\n" + TF)
    write(tmp_path, "cases/c.md", sub(CASE, "## case-x-q1", "## t-1"))
    content = load_content(tmp_path)
    messages = [str(e) for e in content.errors]
    assert messages == [
        "cases/c.md:16: 题目编号“t-1”重复：question_bank/a.md:5 已使用",
        "question_bank/b.md:7: 题目编号“t-1”重复：question_bank/a.md:5 已使用",
    ]
    assert [q.id for q in content.questions] == ["t-1"]
    assert content.cases[0].questions == ()


def test_duplicate_case_ids_across_files(tmp_path):
    write(tmp_path, "question_bank/a.md", HEAD + TF)
    write(tmp_path, "cases/a.md", CASE)
    write(tmp_path, "cases/b.md", CASE.replace("case-x-q1", "case-y-q1"))
    errors = [str(e) for e in load_content(tmp_path).errors]
    assert errors == ["cases/b.md:2: 案例编号“case-x”重复：cases/a.md:2 已使用"]


def test_missing_bank_directory_is_an_error(tmp_path):
    errors = load_content(tmp_path).errors
    assert len(errors) == 1 and "找不到题库目录" in errors[0].message


def test_readme_drafts_and_other_files_are_skipped(tmp_path):
    write(tmp_path, "question_bank/README.md", "不是题库")
    write(tmp_path, "question_bank/_draft.md", "也不是")
    write(tmp_path, "question_bank/notes.txt", "也不是")
    write(tmp_path, "question_bank/a.md", HEAD + TF)
    write(tmp_path, "cases/README.md", "不是案例")
    content = load_content(tmp_path)
    assert content.errors == []
    assert [q.id for q in content.questions] == ["t-1"]


def test_errors_of_all_files_come_back_sorted(tmp_path):
    write(tmp_path, "question_bank/b.md", HEAD + sub(TF, "分值: 1", "分值: 0"))
    write(
        tmp_path,
        "question_bank/a.md",
        HEAD + sub(TF, "## t-1", "## a-1").replace("答案: 正确", "答案: 是"),
    )
    errors = load_content(tmp_path).errors
    assert [(e.file, e.line) for e in errors] == [
        ("question_bank/a.md", 11),
        ("question_bank/b.md", 7),
    ]
    assert str(errors[0]).startswith("question_bank/a.md:11: ")
