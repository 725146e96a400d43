"""互斥组 (exclusion groups) in every way an item is written, and the twin check.

Pure: content files, the field builder (Excel, GIFT, the editor), the stored record, the
version diff, the likely-twin finder and the draw's pick.
"""

from __future__ import annotations

import dataclasses
import io
import random
from decimal import Decimal

import pytest
from openpyxl import Workbook

from exam_app.content import parse_question_file
from exam_app.content.build import Draft, DraftOption, build, draft_from_spec
from exam_app.content.diff import question_fields
from exam_app.content.excel import question_columns, write_workbook
from exam_app.content.excel_read import read_workbook
from exam_app.content.gift import read_gift
from exam_app.content.gift_write import write_gift
from exam_app.content.lines import parse_group
from exam_app.content.stored import question_from_record, question_record
from exam_app.content.twins import (
    TWIN_THRESHOLD,
    bigrams,
    jaccard,
    likely_twins,
    normalise,
    statement,
)
from exam_app.services.drawing import pick, places

HEAD = "---\n知识点: 测试\n分值: 1\n---\n\n"


def single(qid: str, stem: str, options: list[str], correct: int, group: str | None = None) -> str:
    lines = [f"## {qid}", "题型: 单选"] + ([f"互斥组: {group}"] if group else []) + ["", stem, ""]
    lines += [f"- [{'x' if n == correct else ' '}] {text}" for n, text in enumerate(options)]
    return "\n".join(lines) + "\n\n"


def parse(body: str):
    return parse_question_file(HEAD + body, "question_bank/t.md")


# --- the name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("回访-时限", "回访-时限"),
        ("  ts_01  ", "ts_01"),
        ("ＴＳ－０１", "TS-01"),  # full-width folds to the same group as half-width
        ("峰谷价差4比1", "峰谷价差4比1"),
        ("a" * 40, "a" * 40),
        ("", None),
        ("   ", None),
    ],
)
def test_group_names_that_are_accepted(value, name):
    assert parse_group(value) == (name, None)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("a" * 41, "最长 40"),
        ("-开头", "开头"),
        ("_x", "开头"),
        ("回访/时限", "只能用汉字、字母、数字"),
        ("回访.时限", "只能用汉字、字母、数字"),
        ("甲，乙", "只能写一个名称"),
        ("甲、乙", "只能写一个名称"),
        ("甲,乙", "只能写一个名称"),
        ("回访 时限", "只能写一个名称"),
    ],
)
def test_malformed_group_names_are_refused_in_chinese(value, words):
    name, problem = parse_group(value)
    assert name is None and words in problem and "互斥组" in problem


# --- the content file ----------------------------------------------------------------------


def test_a_group_in_the_header_reaches_the_spec_and_its_checksum():
    body = single("t-001", "问题（　）", ["甲", "乙"], 0, "组一")
    questions, errors = parse(body)
    assert errors == [] and questions[0].exclusion_group == "组一"
    plain, _ = parse(single("t-001", "问题（　）", ["甲", "乙"], 0))
    assert plain[0].exclusion_group is None
    assert "exclusion_group" not in plain[0].canonical()
    assert questions[0].canonical()["exclusion_group"] == "组一"
    assert questions[0].checksum() != plain[0].checksum()


def test_items_without_a_group_keep_the_checksum_they_had_before_groups_existed():
    questions, _ = parse(single("t-001", "问题（　）", ["甲", "乙"], 0))
    spec = questions[0]
    canonical = spec.canonical()
    assert set(canonical) == {
        "id", "kind", "topic", "difficulty", "points", "stem", "options", "key", "rule",
        "explanation", "source", "tags", "rubric", "reference_answer", "guidance", "case_id",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("互斥组: 甲、乙", "只能写一个名称"),
        ("互斥组: a/b", "不合规"),
        ("互斥组:", "没有写名称"),
        ("互斥组：" + "长" * 41, "最长 40"),
    ],
)
def test_a_malformed_group_is_reported_at_its_file_and_line(header, words):
    body = f"## t-001\n题型: 判断\n{header}\n\n题干。\n\n答案: 正确\n"
    questions, errors = parse(body)
    assert questions == []
    assert [(e.file, e.line) for e in errors] == [("question_bank/t.md", 8)]
    assert words in errors[0].message


def test_a_group_twice_is_reported_as_a_repeated_field():
    body = "## t-001\n题型: 判断\n互斥组: 甲\n互斥组: 乙\n\n题干。\n\n答案: 正确\n"
    _, errors = parse(body)
    assert [e.line for e in errors] == [9] and "重复" in errors[0].message


def test_only_objective_items_take_a_group():
    body = (
        "## t-001\n题型: 简答\n互斥组: 甲\n分值: 2\n\n题干。\n\n"
        "评分标准:\n- 要点 (2分): 甲\n\n参考答案:\n甲。\n"
    )
    _, errors = parse(body)
    assert [e.line for e in errors] == [8]
    assert errors[0].message == "“互斥组”只用于单选、多选、判断、填空题，本题是简答题"


def test_a_group_written_below_the_stem_is_sent_back_to_the_header():
    body = "## t-001\n题型: 判断\n\n题干。\n互斥组: 甲\n\n答案: 正确\n"
    _, errors = parse(body)
    assert any("应写在题头" in e.message for e in errors)


# --- fields: the builder, the stored record, Excel, GIFT, the diff ---------------------------


def draft(**changes) -> Draft:
    values = dict(
        id="t-001", kind="single", topic="测试", points=Decimal(1), stem="问题（　）",
        options=[DraftOption("甲", True), DraftOption("乙", False)],
    )  # fmt: skip
    return Draft(**{**values, **changes})


def test_the_builder_takes_a_group_and_gives_it_back():
    spec, problems = build(draft(exclusion_group=" 组一 "))
    assert problems == [] and spec.exclusion_group == "组一"
    assert draft_from_spec(spec).exclusion_group == "组一"
    spec, _ = build(draft(exclusion_group=""))
    assert spec.exclusion_group is None and draft_from_spec(spec).exclusion_group == ""


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"exclusion_group": "甲 乙"}, "只能写一个名称"),
        ({"exclusion_group": "#1"}, "不合规"),
        (
            {"exclusion_group": "甲", "kind": "essay", "options": [],
             "rubric": [("要点", Decimal(1), ("甲",))], "reference_answer": "甲"},
            "只用于单选、多选、判断、填空题",
        ),
    ],
)  # fmt: skip
def test_the_builder_names_the_group_field(changes, words):
    spec, problems = build(draft(**changes))
    assert spec is None
    assert [p.field for p in problems if not p.warning] == ["互斥组"]
    assert words in problems[0].message


def test_the_stored_record_keeps_the_group_and_the_checksum():
    spec, _ = build(draft(exclusion_group="组一"))
    record = question_record(spec)
    assert record["exclusion_group"] == "组一"
    back = question_from_record(spec.id, record)
    assert back.exclusion_group == "组一" and back.checksum() == spec.checksum()
    # Rows written before groups existed have no such key.
    old = {k: v for k, v in question_record(build(draft())[0]).items() if k != "exclusion_group"}
    assert question_from_record("t-001", old).exclusion_group is None


def test_excel_and_gift_round_trips_keep_the_group():
    spec, _ = build(draft(exclusion_group="组一"))
    plain, _ = build(draft(id="t-002"))
    back = read_workbook(write_workbook([spec, plain]), "bank.xlsx")
    assert back.errors == []
    assert {q.id: q.exclusion_group for q in back.questions} == {"t-001": "组一", "t-002": None}
    back = read_gift(write_gift([spec, plain]), "bank.gift")
    assert back.errors == []
    assert {q.id: q.checksum() for q in back.questions} == {
        "t-001": spec.checksum(), "t-002": plain.checksum()
    }  # fmt: skip


def test_a_bad_group_in_excel_is_named_by_row_and_column():
    columns = question_columns()
    row = [""] * len(columns)
    values = {"题型": "单选", "题干": "问题（　）", "选项A": "甲", "选项B": "乙", "答案": "A",
              "分值": "1", "知识点": "测试", "互斥组": "甲，乙"}  # fmt: skip
    for name, value in values.items():
        row[columns.index(name)] = value
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(columns)
    sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    back = read_workbook(data.getvalue(), "bank.xlsx")
    assert back.questions == []
    assert len(back.errors) == 1
    error = back.errors[0]
    assert error.line == 2 and "互斥组" in error.message and "只能写一个名称" in error.message


def test_excel_understands_a_short_column_name():
    columns = [("互斥" if c == "互斥组" else c) for c in question_columns()]
    assert "互斥" in columns  # the alias maps to 互斥组 (covered through read_workbook below)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(columns)
    row = [""] * len(columns)
    values = {"题型": "判断", "题干": "说法。", "答案": "正确", "分值": "1", "知识点": "测试",
              "互斥": "组二", "编号": "t-009"}  # fmt: skip
    for name, value in values.items():
        row[columns.index(name)] = value
    sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    back = read_workbook(data.getvalue(), "bank.xlsx")
    assert back.errors == [] and back.questions[0].exclusion_group == "组二"


def test_the_version_diff_labels_the_group():
    spec, _ = build(draft(exclusion_group="组一"))
    assert question_fields(spec.canonical())["互斥组"] == "组一"
    assert question_fields(build(draft())[0].canonical())["互斥组"] == ""


# --- twins ---------------------------------------------------------------------------------


def specs(body: str):
    questions, errors = parse(body)
    assert errors == []
    return questions


def test_normalise_bigrams_and_jaccard():
    assert normalise("Ａ，b　（ ）1‰！") == "ab1‰"
    assert bigrams("abc") == {"ab", "bc"} and bigrams("a") == {"a"} and bigrams("") == set()
    assert jaccard(frozenset(), frozenset()) == 1.0
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)


def test_statements_write_the_answer_into_the_stem_for_every_kind():
    questions = specs(
        single("t-1", "违约金每日按（　）加收。", ["1‰至2‰", "1‰至3‰"], 1)
        + "## t-2\n题型: 填空\n\n违约金每日按{{1}}至{{2}}加收。\n\n答案:\n1. 1‰ | 千分之一\n2. 3‰\n\n"
        + "## t-3\n题型: 判断\n\n违约金每日按1‰至3‰加收。\n\n答案: 正确\n\n"
        + single("t-4", "没有括号的题干", ["甲", "乙"], 0)
    )
    texts = [statement(q) for q in questions]
    assert texts[:3] == ["违约金每日按1‰至3‰加收"] * 3
    assert texts[3] == "没有括号的题干甲"


def test_a_copied_item_with_reworded_stem_and_shuffled_options_is_caught():
    a = single("t-1", "客户回访应自装机开通之日起（　）内完成。", ["3日", "5日", "7日"], 1)
    b = single(
        "t-2", "按标准，新装机客户回访自装机开通之日起（　）内完成。", ["7日", "5日", "2日"], 1
    )
    twins = likely_twins(specs(a + b))
    assert [(t.first.id, t.second.id) for t in twins] == [("t-1", "t-2")]
    assert twins[0].similarity >= TWIN_THRESHOLD
    message = twins[0].message()
    assert "t-2" in message and "question_bank/t.md:" in message and "互斥组" in message


def test_a_choice_and_a_fill_in_of_one_rule_are_twins():
    body = single("t-1", "违约金每日按电费总额的（　）加收。", ["1‰至2‰", "1‰至3‰"], 1)
    body += (
        "## t-2\n题型: 填空\n\n违约金每日按电费总额的{{1}}至{{2}}加收。\n\n答案:\n1. 1‰\n2. 3‰\n"
    )
    assert len(likely_twins(specs(body))) == 1


def test_twins_that_share_a_group_are_not_listed():
    a = single("t-1", "客户回访应自装机开通之日起（　）内完成。", ["3日", "5日"], 1, "回访")
    b = single("t-2", "客户回访应自装机开通之日起（　）内完成。", ["5日", "7日"], 0, "回访")
    assert likely_twins(specs(a + b)) == []
    c = single("t-3", "客户回访应自装机开通之日起（　）内完成。", ["5日", "7日"], 0, "别的")
    assert [t.second.id for t in likely_twins(specs(a + c))] == ["t-3"]


def test_one_preamble_with_two_different_questions_is_not_a_twin():
    data = "示例数据：第一档0.538元，第二档0.588元，第三档0.838元。"
    a = single("t-1", data + "第二档比第一档每千瓦时高（　）。", ["0.05元", "0.30元"], 0)
    b = single("t-2", data + "第三档比第一档每千瓦时高（　）。", ["0.05元", "0.30元"], 1)
    questions = specs(a + b)
    assert jaccard(*(bigrams(statement(q)) for q in questions)) >= TWIN_THRESHOLD
    assert likely_twins(questions) == []


def test_true_false_items_pair_by_verdict():
    true = "## t-1\n题型: 判断\n\n流失客户的回访由营业厅工作人员现场即时进行。\n\n答案: 正确\n\n"
    same = "## t-2\n题型: 判断\n\n流失客户回访由营业厅的工作人员现场即时进行。\n\n答案: 正确\n\n"
    false = "## t-3\n题型: 判断\n\n流失客户的回访由营业厅工作人员现场即时进行。\n\n答案: 错误\n\n"
    choice = single("t-4", "流失客户的回访由营业厅工作人员（　）进行。", ["现场即时", "3日内"], 0)
    assert [(t.first.id, t.second.id) for t in likely_twins(specs(true + same))] == [("t-1", "t-2")]
    assert likely_twins(specs(true + false)) == []
    assert likely_twins(specs(false + choice)) == []  # a false statement is not the rule
    assert [t.second.id for t in likely_twins(specs(true + choice))] == ["t-4"]


def test_unlike_stems_with_one_answer_are_not_twins():
    a = single("t-1", "投诉首次回复时限为（　）。", ["4小时", "8小时"], 0)
    b = single("t-2", "电费通知单应提前（　）送达。", ["4小时", "8小时"], 0)
    assert likely_twins(specs(a + b)) == []


def test_the_threshold_is_a_boundary():
    a = single("t-1", "甲乙丙丁戊己庚辛（　）", ["壬癸", "寅卯"], 0)
    b = single("t-2", "甲乙丙丁戊己庚辛子丑（　）", ["壬癸", "辰巳"], 0)
    questions = specs(a + b)
    score = jaccard(*(bigrams(statement(q)) for q in questions))
    assert len(likely_twins(questions, threshold=score)) == 1
    assert likely_twins(questions, threshold=score + 0.001) == []


def test_case_questions_and_essays_are_not_compared():
    body = single("t-1", "甲乙丙丁（　）", ["戊", "己"], 0) + single(
        "t-2", "甲乙丙丁（　）", ["戊", "己"], 0
    )
    questions = specs(body)
    assert len(likely_twins(questions)) == 1

    in_case = [dataclasses.replace(questions[0], case_id="case-1"), questions[1]]
    assert likely_twins(in_case) == []
    essay = [dataclasses.replace(questions[0], kind="essay"), questions[1]]
    assert likely_twins(essay) == []


# --- the draw's pick -----------------------------------------------------------------------


def old_pick(pool_with_uses, count, rng):
    keyed = [(uses, rng.random(), uid) for uid, uses in pool_with_uses]
    return [uid for _uses, _tie, uid in sorted(keyed)[:count]]


@pytest.mark.parametrize("seed", range(30))
def test_pick_without_groups_draws_exactly_what_it_did_before(seed):
    pool = [(f"q{n}", n % 3) for n in range(12)]
    assert pick(pool, 5, random.Random(seed)) == old_pick(pool, 5, random.Random(seed))


@pytest.mark.parametrize("seed", range(30))
def test_pick_takes_at_most_one_of_a_group_and_the_least_used_first(seed):
    pool = [("a1", 0, "a"), ("a2", 0, "a"), ("a3", 1, "a"), ("b1", 2, "b"), ("b2", 0, "b"),
            ("c", 0), ("d", 1), ("e", 3)]  # fmt: skip
    chosen = pick(pool, 5, random.Random(seed))
    assert len(chosen) == len(set(chosen)) == 5 == places(pool)
    assert sum(uid.startswith("a") for uid in chosen) == 1
    assert sum(uid.startswith("b") for uid in chosen) == 1
    assert chosen[0] in {"a1", "a2", "b2", "c"}  # unused ones first
    assert "a3" not in chosen and "b1" not in chosen  # the least used of a group
    assert pick(pool, 5, random.Random(seed)) == chosen  # reproducible


def test_pick_gives_fewer_when_groups_leave_too_few_places():
    pool = [("a1", 0, "a"), ("a2", 0, "a"), ("b", 0)]
    assert places(pool) == 2
    assert sorted(pick(pool, 3, random.Random(1)))[1] == "b"
    assert len(pick(pool, 3, random.Random(1))) == 2
    assert places([]) == 0
