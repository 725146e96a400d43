"""The catalogue of service-quality standards: the shipped file, and every bad line named."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.content import load_content
from exam_app.quality import Catalogue, CatalogueInvalid, load_catalogue, parse_catalogue
from exam_app.quality.catalogue import CATALOGUE_PATH

ROOT = Path(__file__).resolve().parents[2]
FILE = "question_bank/standards/t.md"
HEAD = "---\n版本: 2026-1\n---\n\n# 物业客服人员考核标准\n\n"  # the first standard is on line 7
GOOD = "## wykh-01\n标题: 卫生不清洁\n分值: -1\n类别: 工作职责\n\n不爱护保持客服中心的卫生清洁，发现一次扣1分。\n"
BONUS = (
    "## wykh-03a\n标题: 做成一笔特约服务\n分值: +5\n类别: 工作职责\n\n每做成一笔特约服务加5分。\n"
)


def _errors(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text, FILE)
    assert all(e.file == FILE for e in caught.value.errors)
    return [(e.line, e.message) for e in caught.value.errors]


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(ROOT)


# --- the shipped catalogue -------------------------------------------------------------------


def test_the_shipped_catalogue_has_a_version_and_cites_both_documents_by_title(shipped):
    assert shipped.version == "2026-1"
    assert {s.source for s in shipped.standards} == {"物业客服人员考核标准", "客服人员服务规范用语"}
    assert all(s.file == CATALOGUE_PATH and s.line > 0 for s in shipped.standards)
    assert len({s.code for s in shipped.standards}) == len(shipped.standards)


def test_every_item_of_the_kaohe_biaozhun_is_there_with_its_points(shipped):
    kaohe = {s.code: s.points for s in shipped.standards if s.source == "物业客服人员考核标准"}
    # 17 items (the document skips 十二); 三 and 四 each hold two cases.
    assert kaohe == {
        "wykh-01": -2, "wykh-02": -2, "wykh-03a": 5, "wykh-03b": -5, "wykh-04a": -2,
        "wykh-04b": -5, "wykh-05": -2, "wykh-06": -2, "wykh-07": -2, "wykh-08": -2,
        "wykh-09": -2, "wykh-10": -5, "wykh-11": -5, "wykh-13": -5, "wykh-14": -1,
        "wykh-15": -2, "wykh-16": -2, "wykh-17": -2, "wykh-18": -1,
    }  # fmt: skip


def test_the_kaohe_biaozhun_texts_say_the_points_they_are_given(shipped):
    for s in shipped.standards:
        if s.source == "物业客服人员考核标准":
            assert f"{abs(s.points)}分" in s.text, s.code
            assert ("加" if s.points > 0 else "扣") in s.text, s.code


def test_the_bonus_for_special_services_and_its_deduction_are_two_standards(shipped):
    bonus, fault = shipped.by_code("wykh-03a"), shipped.by_code("wykh-03b")
    assert bonus.points == 5 and bonus.is_bonus and "每做成一笔特约服务加5分" in bonus.text
    assert fault.points == -5 and not fault.is_bonus and "连续半年无特约服务" in fault.text
    assert bonus.clause == fault.clause == "第三条"


def test_one_guifan_yongyu_standard_per_rule_each_deducting_one_or_two(shipped):
    rules = [s for s in shipped.standards if s.source == "客服人员服务规范用语"]
    assert len(rules) == 37  # 6 + 6 + 9 + 5 + 8 + 3 numbered rules in the six parts
    assert all(s.points in (-1, -2) and "不可以" in s.text for s in rules)
    assert all(s.category == "服务规范用语" for s in rules)
    # A forbidden phrase (忌语) weighs more than an omission.
    assert (
        shipped.by_code("gfyy-4-2").points == -2
        and "嘴巴放干净一点" in shipped.by_code("gfyy-4-2").text
    )
    assert shipped.by_code("gfyy-6-3").points == -1


def test_the_file_says_the_guifan_yongyu_points_are_the_platforms_example():
    text = (ROOT / CATALOGUE_PATH).read_text(encoding="utf-8")
    assert "本平台设的示例，公司可以按自己的制度修改" in text


def test_by_code_finds_a_standard_and_names_an_unknown_code(shipped):
    assert shipped.by_code("wykh-14").title == "客服中心卫生不清洁"
    with pytest.raises(KeyError, match="没有编号“nope”"):
        shipped.by_code("nope")


def test_the_question_bank_loader_ignores_the_standards_folder():
    content = load_content(ROOT)
    assert not [e for e in content.errors if "standards" in e.file]
    assert not [q for q in content.questions if "standards" in q.file]


# --- the format ------------------------------------------------------------------------------


def test_a_well_formed_file_parses_with_defaults_from_the_heading():
    catalogue = parse_catalogue(HEAD + GOOD + "\n" + BONUS, FILE)
    first, second = catalogue.standards
    assert (first.code, first.points, first.line, first.source) == (
        "wykh-01",
        -1,
        7,
        "物业客服人员考核标准",
    )
    assert first.text == "不爱护保持客服中心的卫生清洁，发现一次扣1分。"
    assert (second.points, second.retired, second.clause) == (5, False, "")


def test_retired_standards_still_parse_and_are_left_out_of_the_active_list():
    text = HEAD + GOOD.replace("类别: 工作职责\n", "类别: 工作职责\n停用: 是\n") + "\n" + BONUS
    catalogue = parse_catalogue(text, FILE)
    assert catalogue.by_code("wykh-01").retired
    assert [s.code for s in catalogue.active] == ["wykh-03a"]


@pytest.mark.parametrize(
    ("written", "points"),
    [
        ("-2", -2),
        ("+5", 5),
        ("扣2分", -2),
        ("扣 2 分", -2),
        ("加5分", 5),
        ("－２", -2),
        ("\u22122", -2),
    ],
)
def test_points_may_be_written_with_a_sign_or_in_words(written, points):
    text = HEAD + GOOD.replace("分值: -1", f"分值: {written}")
    assert parse_catalogue(text, FILE).standards[0].points == points


def test_a_source_field_overrides_the_heading_and_quotes_are_dropped():
    text = HEAD + GOOD.replace(
        "类别: 工作职责\n", "类别: 工作职责\n出处: 《客服人员服务规范用语》\n"
    )
    assert parse_catalogue(text, FILE).standards[0].source == "客服人员服务规范用语"


def test_windows_line_ends_and_a_bom_keep_the_line_numbers():
    text = "\ufeff" + (HEAD + GOOD).replace("\n", "\r\n")
    standard = parse_catalogue(text, FILE).standards[0]
    assert standard.line == 7 and standard.text.endswith("扣1分。")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param(HEAD + GOOD + "\n" + GOOD, 14, "标准编号“wykh-01”重复：第 7 行已使用", id="duplicate-code"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: 0"), 9, "分值不能为 0", id="zero-points"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: -0"), 9, "分值不能为 0", id="minus-zero"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: 扣0分"), 9, "分值不能为 0", id="worded-zero"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: 2"), 9, "带符号的整数", id="unsigned-points"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: -1.5"), 9, "不是“-1.5”", id="fraction"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: 扣一分"), 9, "带符号的整数", id="words"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值: -101"), 9, "1 到 100", id="too-many"),
        pytest.param(HEAD + GOOD.replace("分值: -1\n", ""), 7, "缺少“分值”", id="no-points"),
        pytest.param(HEAD + GOOD.replace("分值: -1", "分值:"), 9, "缺少“分值”", id="empty-points"),
        pytest.param(HEAD + GOOD.replace("标题: 卫生不清洁\n", ""), 7, "缺少“标题”", id="no-title"),
        pytest.param(HEAD + GOOD.replace("类别: 工作职责\n", ""), 7, "缺少“类别”", id="no-category"),
        pytest.param(HEAD + GOOD.split("\n\n")[0] + "\n", 7, "没有正文", id="no-text"),
        pytest.param(HEAD + GOOD.replace("类别", "分数"), 10, "未知字段“分数”", id="unknown-key"),
        pytest.param(HEAD + GOOD.replace("类别: 工作职责", "类别: 工作职责\n标题: 又一个"), 11, "字段“标题”重复（第 8 行", id="duplicate-key"),
        pytest.param(HEAD + GOOD.replace("\n\n", "\n"), 11, "正文与字段之间要空一行", id="no-blank-line"),
        pytest.param(HEAD + GOOD.replace("wykh-01", "WYKH_01"), 7, "标准编号“WYKH_01”不合规", id="bad-code"),
        pytest.param(HEAD + GOOD.replace("类别: 工作职责", "类别: 工作职责\n停用: 也许"), 11, "停用只能写“是”或“否”", id="bad-retired"),
        pytest.param(HEAD + GOOD.replace("卫生不清洁", "长" * 41), 8, "标题过长（41 字）", id="long-title"),
        pytest.param(HEAD.replace("# 物业客服人员考核标准", "") + GOOD, 7, "没有出处", id="no-source"),
        pytest.param(HEAD.replace("# 物业客服人员考核标准", "# 《》"), 5, "应写所引文件的名称", id="empty-heading"),
        pytest.param(HEAD.replace("版本: 2026-1\n", "") + GOOD, 1, "缺少“版本”", id="no-version"),
        pytest.param(HEAD.replace("版本: 2026-1", "版本:"), 2, "缺少“版本”", id="empty-version"),
        pytest.param(HEAD.replace("版本: 2026-1", "版本: 2026-1\n作者: 甲") + GOOD, 3, "未知字段“作者”", id="unknown-header-key"),
        pytest.param(HEAD.replace("版本: 2026-1", "版本: 2026-1\n版本: 2") + GOOD, 3, "“版本”重复（第 2 行", id="duplicate-header-key"),
        pytest.param(HEAD.replace("版本: 2026-1", "版本: 2026-1\n随便写写") + GOOD, 3, "每行应为“字段: 值”", id="header-junk"),
        pytest.param(HEAD.replace("---\n\n#", "\n#") + GOOD, 1, "没有以 --- 结束", id="header-unclosed"),
        pytest.param(GOOD, 1, "文件开头应为 ---", id="no-header"),
        pytest.param("", 1, "文件开头应为 ---", id="empty-file"),
        pytest.param(HEAD, 5, "文件中没有考核标准", id="no-standards"),
    ],
)  # fmt: skip
def test_each_malformed_line_is_named_with_file_and_line(text, line, fragment):
    errors = _errors(text)
    assert any(n == line and fragment in message for n, message in errors), errors


def test_every_problem_is_reported_at_once():
    text = HEAD + GOOD.replace("分值: -1", "分值: 0") + "\n" + BONUS.replace("类别", "分数")
    assert [n for n, _ in _errors(text)] == [9, 14, 17]  # 14: 类别 missing


def test_the_error_is_a_value_error_whose_text_names_file_and_line():
    with pytest.raises(ValueError, match=r"question_bank/standards/t\.md:9: "):
        parse_catalogue(HEAD + GOOD.replace("分值: -1", "分值: 0"), FILE)


def test_a_missing_catalogue_file_is_an_error_of_the_file(tmp_path):
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(tmp_path)
    (error,) = caught.value.errors
    assert (error.file, error.line) == (CATALOGUE_PATH, 0) and "找不到考核标准文件" in error.message


def test_a_catalogue_saved_as_gbk_is_refused_with_a_hint(tmp_path):
    path = tmp_path / CATALOGUE_PATH
    path.parent.mkdir(parents=True)
    path.write_bytes((HEAD + GOOD).encode("gb18030"))
    with pytest.raises(CatalogueInvalid, match="GBK"):
        load_catalogue(tmp_path)


LINES = ["---", "", "版本: 1", "# 物业客服人员考核标准", "# ", "## a-1", "## A 1", "##", "标题: 甲",
         "分值: -2", "分值: +0", "分值: x", "类别: 乙", "停用: 是", "出处:", "条款: 一", "正文", "字段 值"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=12)), max_size=30))
def test_any_text_parses_or_is_refused_with_named_lines_never_a_crash(lines):
    text = "\n".join(lines)
    try:
        catalogue = parse_catalogue(text, FILE)
    except CatalogueInvalid as e:
        count = len(text.removeprefix("\ufeff").split("\n"))  # generated text may hold newlines
        assert e.errors and all(0 < err.line <= count for err in e.errors)
    else:
        assert catalogue.version and catalogue.standards
        assert all(s.points != 0 and s.text and s.title for s in catalogue.standards)


@pytest.mark.parametrize(
    "module", sorted((ROOT / "exam_app" / "quality").glob("*.py")), ids=lambda p: p.name
)
def test_the_quality_package_imports_neither_flask_nor_the_database(module):
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        for name in names:  # exam_app.content: the shared line reader and ContentError
            pure = name.split(".")[0] in sys.stdlib_module_names
            assert pure or name.startswith("exam_app.content"), f"{module.name} imports {name}"


def test_the_example_in_the_leads_readme_parses():
    readme = (ROOT / "question_bank/standards/README.md").read_text(encoding="utf-8")
    example = readme.split("```markdown\n")[1].split("```")[0]
    (standard,) = parse_catalogue(example, "README").standards
    assert (standard.code, standard.points, standard.source) == (
        "wykh-01",
        -2,
        "物业客服人员考核标准",
    )


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("分值: -1", "分值: 2"), "分值应为带符号的整数：扣分写 -2（或“扣2分”），加分写 +5（或“加5分”），不是“2”"),
        (("类别", "分数"), "未知字段“分数”，可用字段：标题、分值、类别、出处、条款、停用（正文与字段之间要空一行）"),
        (("\n\n不爱护保持客服中心的卫生清洁，发现一次扣1分。", ""), "标准“wykh-01”没有正文：字段之后空一行，写出文件中的原文"),
    ],
)  # fmt: skip
def test_the_messages_quoted_in_the_leads_readme_are_the_real_ones(change, fragment):
    readme = (ROOT / "question_bank/standards/README.md").read_text(encoding="utf-8")
    assert fragment.replace("wykh-01", "wykh-07") in readme
    assert any(fragment in message for _, message in _errors(HEAD + GOOD.replace(*change)))
