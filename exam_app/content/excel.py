"""The Excel (.xlsx) template and export: one row per item, the way Chinese exam systems do it.

Sheet 「题目」: 题型, 题干, 选项A…选项H, 答案, 解析, 分值, 难度, 知识点, 出处, then the columns
this platform needs to keep every item whole (编号, 评分, 权重, 顺序, 标签, 评分标准, 步长,
评分说明, 案例编号). Sheet 「案例」: one row per case. Sheet 「说明」: how to fill them in.
Conventions (also in 「说明」 and question_bank/README.md):

- 答案: 单选 "B"; 多选 "AC"; 判断 "正确"/"错误"; 填空 one line per blank (Alt+Enter), the
  accepted forms of one blank separated by "|", a partial-credit form written "(50%) 写法";
  简答 the reference answer.
- 权重 (多选, 评分 = 按权重): "A:25% B:25% E:-50%"; options not named weigh 0.
- 评分标准 (简答): one criterion per line, "标题 (3分): 要点1；要点2".
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from .build import blanks_text, draft_from_spec
from .kinds import LABELS
from .model import CaseSpec, QuestionSpec, fmt_decimal
from .question import KIND_LABEL

QUESTION_SHEET = "题目"
CASE_SHEET = "案例"
HELP_SHEET = "说明"
MIN_OPTIONS = 8  # 选项A…选项H, as the usual templates; more columns only when an item needs them
BEFORE_OPTIONS = ["题型", "题干"]
AFTER_OPTIONS = ["答案", "解析", "分值", "难度", "知识点", "出处"]
EXTRA = ["编号", "评分", "权重", "顺序", "标签", "评分标准", "步长", "评分说明", "案例编号", "互斥组"]  # fmt: skip
CASE_COLUMNS = ["案例编号", "标题", "知识点", "出处", "情景", "依据"]
RULE_LABELS = {
    "exact": "少选不得分",
    "half": "少选得一半分",
    "per_option": "少选按选项得分",
    "weighted": "按权重",
    "per_blank": "逐空给分",
    "all_or_nothing": "全对才得分",
}
TF_LABELS = {True: "正确", False: "错误"}
HELP = [
    ("列", "怎么填"),
    ("题型", "单选、多选、判断、填空、简答"),
    ("题干", "题目正文，可多行；填空题用 {{1}}、{{2}} 标出空的位置（也可写成 ____ 下划线）"),
    ("选项A…选项H", "选择题的选项，从 A 起连续填写；需要更多选项时加“选项I”等列"),
    (
        "答案",
        "单选写字母如 B；多选写 AC；判断写 正确 或 错误；填空每空一行（单元格内 Alt+Enter 换行），"
        "同一空的几种写法用 | 分隔，只给部分分的写法前加 (50%)；简答写参考答案",
    ),
    ("解析", "答题后给考生看的解释"),
    ("分值", "正数，最多两位小数"),
    ("难度", "1（易）到 5（难）；也可写 易、较易、中、较难、难"),
    ("知识点", "组卷按知识点抽题，同一知识点名称要一致"),
    ("出处", "依据的法规和条款，或企业文件（如《客户服务质量考核办法》）"),
    (
        "编号",
        "小写字母、数字和 -，如 dfwyj-001；留空则导入时自动生成。编号相同的题目导入时更新为新版本",
    ),
    (
        "评分",
        "多选：少选不得分（默认）、少选得一半分、少选按选项得分、按权重；填空：逐空给分（默认）、全对才得分",
    ),
    (
        "权重",
        "仅“按权重”的多选题：如 A:25% B:25% C:50% E:-50%，未写的选项按 0 计；正确选项合计 100%",
    ),
    ("顺序", "仅填空题：任意（各空可不按顺序作答）或 固定（默认）"),
    ("标签", "多个用顿号或逗号分隔"),
    (
        "评分标准",
        "仅简答题：每行一项，写作 标题 (3分): 要点1；要点2，各项合计等于分值；"
        "按档次评分的项，在它下面每行一个档次，行首空两格写 - 正确 (3分): 什么样的答案得这一档，"
        "从满分写到 0 分",
    ),
    ("步长", "仅简答题：阅卷给分的最小单位，默认 0.5"),
    ("评分说明", "仅简答题：给阅卷人的补充说明"),
    ("案例编号", "案例分析题所属的案例，案例写在「案例」表中（或题库中已有）"),
    (
        "互斥组",
        "仅单选、多选、判断、填空题：考同一内容的几道题写同一个名称（如 回访-投诉处理），"
        "一次考试最多抽到其中一道；名称用汉字、字母、数字、- 或 _，最长 40 个字符",
    ),
    ("「案例」表", "每行一个案例：案例编号、标题、知识点、出处、情景、依据"),
]


def question_columns(option_count: int = MIN_OPTIONS) -> list[str]:
    options = [f"选项{LABELS[n]}" for n in range(max(option_count, MIN_OPTIONS))]
    return BEFORE_OPTIONS + options + AFTER_OPTIONS + EXTRA


def answer_text(spec: QuestionSpec) -> str:
    if spec.kind == "single":
        return spec.key.get("answer", "")
    if spec.kind == "multi":
        return "".join(spec.key.get("answers", []))
    if spec.kind == "tf":
        return TF_LABELS[bool(spec.key.get("answer"))]
    if spec.kind == "fill":
        return blanks_text(draft_from_spec(spec).blanks)
    return spec.reference_answer


def weights_text(spec: QuestionSpec) -> str:
    if spec.rule != "weighted":
        return ""
    return " ".join(
        f"{o.label}:{fmt_decimal((o.weight or Decimal(0)) * 100)}%"
        for o in spec.options
        if o.weight
    )


def rubric_text(spec: QuestionSpec) -> str:
    """One criterion per line, each level below its criterion, indented: "  - 正确 (2分): …"."""
    lines = []
    for c in spec.rubric:
        lines.append(f"{c.title} ({fmt_decimal(c.points)}分): {'；'.join(c.key_points)}")
        lines.extend(
            f"  - {lv.label} ({fmt_decimal(lv.points)}分): {lv.description}" for lv in c.levels
        )
    return "\n".join(lines)


def question_row(spec: QuestionSpec, option_count: int) -> list:
    options = [o.text for o in spec.options]
    options += [""] * (max(option_count, MIN_OPTIONS) - len(options))
    return [
        KIND_LABEL[spec.kind],
        spec.stem,
        *options,
        answer_text(spec),
        spec.explanation,
        _number(spec.points),
        spec.difficulty,
        spec.topic,
        spec.source,
        spec.id,
        RULE_LABELS.get(spec.rule or "", ""),
        weights_text(spec),
        ("任意" if spec.key.get("any_order") else "固定") if spec.kind == "fill" else "",
        "、".join(spec.tags),
        rubric_text(spec),
        fmt_decimal(spec.rubric[0].step) if spec.rubric else "",
        spec.guidance,
        spec.case_id or "",
        spec.exclusion_group or "",
    ]


def write_workbook(questions: list[QuestionSpec], cases: list[CaseSpec] = ()) -> bytes:
    """The bank as .xlsx; with no questions, the empty template (headers and 「说明」)."""
    book = Workbook()
    sheet = book.active
    sheet.title = QUESTION_SHEET
    option_count = max((len(q.options) for q in questions), default=0)
    _table(
        sheet, question_columns(option_count), [question_row(q, option_count) for q in questions]
    )
    case_sheet = book.create_sheet(CASE_SHEET)
    rows = [[c.id, c.title, c.topic, c.source, c.scenario, c.basis] for c in cases]
    _table(case_sheet, CASE_COLUMNS, rows)
    help_sheet = book.create_sheet(HELP_SHEET)
    for row in HELP:
        help_sheet.append(list(row))
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 110
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _table(sheet, columns: list[str], rows: list[list]) -> None:
    sheet.append(columns)
    head = PatternFill("solid", fgColor="DCE6F1")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = head
    for values in rows:
        sheet.append([None] * len(columns))
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=col)
            if isinstance(value, str):
                if not value:
                    continue
                # Text stays text: a leading "=" is not a formula, "1-2" is not a date.
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
                cell.number_format = "@"
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = value
    widths = {"题干": 50, "解析": 40, "情景": 60, "依据": 50, "评分标准": 40, "答案": 20}
    for col, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=col).column_letter
        sheet.column_dimensions[letter].width = widths.get(name, 14)
    sheet.freeze_panes = "A2"
