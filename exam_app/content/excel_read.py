"""Read an .xlsx bank (our template, or a similar one from another Chinese exam system).

Every problem names the sheet, the row and the column; a damaged or foreign file gives an
error, never an exception. Conventions are described in excel.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from .build import Draft, DraftCriterion, DraftOption, blanks_from_text
from .excel import CASE_SHEET, QUESTION_SHEET
from .imported import PLACEHOLDER_ID, IdAssigner, ImportedBank, build_row
from .kinds import CRITERION_RE, LABELS
from .level_text import LevelTextError, levels_from_text
from .lines import ID_RE, POINTS_RE, join_text, nfkc, split_tags
from .model import CaseSpec, ContentError
from .question import KIND_NAMES, MAX_SOURCE, MAX_TOPIC, RULE_NAMES

MAX_ROWS = 10000
HEADER_SEARCH = 10  # a title row or two above the headers is common in templates
ALIASES = {
    "试题类型": "题型", "题目类型": "题型", "类型": "题型",
    "题目": "题干", "试题": "题干", "题目内容": "题干", "试题内容": "题干",
    "正确答案": "答案", "标准答案": "答案", "参考答案": "答案",
    "答案解析": "解析", "试题解析": "解析", "分数": "分值", "难易度": "难度", "难易程度": "难度",
    "题号": "编号", "试题编号": "编号", "题目编号": "编号", "评分规则": "评分", "选项权重": "权重",
    "来源": "出处", "依据": "出处", "考点": "知识点", "互斥": "互斥组", "互斥分组": "互斥组",
}  # fmt: skip
CASE_ALIASES = {"编号": "案例编号", "案例标题": "标题"}
KNOWN = {
    "题型", "题干", "答案", "解析", "分值", "难度", "知识点", "出处", "编号", "评分", "权重",
    "顺序", "标签", "评分标准", "步长", "评分说明", "案例编号", "互斥组",
}  # fmt: skip
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3,
                    "较难": 4, "难": 5, "困难": 5}  # fmt: skip
TF_WORDS = {
    **dict.fromkeys(("正确", "对", "√", "✓", "T", "TRUE", "是", "Y", "YES"), True),
    **dict.fromkeys(("错误", "错", "×", "✗", "X", "F", "FALSE", "否", "N", "NO"), False),
}
OPTION_HEAD_RE = re.compile(r"^选项([A-Z])$")
WEIGHT_RE = re.compile(r"^([A-Z])[:：=]?(-?\d{1,3}(?:\.\d{1,6})?)%?$")
UNDERSCORES_RE = re.compile(r"_{3,}")
HEADER_CLEAN_RE = re.compile(r"[*＊\s]|[(（][^)）]*[)）]$")


class RowError(Exception):
    """One cell cannot be read; reported at its row and column."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def read_workbook(data: bytes, name: str, default_topic: str = "") -> ImportedBank:
    result = ImportedBank()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        hint = "（旧版 .xls 请在 Excel 中另存为 .xlsx）" if data[:4] == b"\xd0\xcf\x11\xe0" else ""
        message = f"不是有效的 Excel（.xlsx）文件{hint}：{type(exc).__name__}"
        result.errors.append(ContentError(name, 0, message))
        return result
    try:
        sheets = book.sheetnames
        main = QUESTION_SHEET if QUESTION_SHEET in sheets else sheets[0]
        cases: dict[str, CaseSpec] = {}
        if CASE_SHEET in sheets and main != CASE_SHEET:
            cases = _read_cases(book[CASE_SHEET], f"{name}「{CASE_SHEET}」", result)
        _read_questions(book[main], f"{name}「{main}」", default_topic, cases, result)
    except Exception as exc:  # a cell openpyxl cannot decode: the file, not a row, is bad
        result.errors.append(ContentError(name, 0, f"无法读取 Excel 文件：{type(exc).__name__}"))
    finally:
        book.close()
    return result


def _rows(sheet, file: str, result: ImportedBank, aliases: dict[str, str], required: set[str]):
    """(row number, {column: value}) for the rows under the header row."""
    rows = sheet.iter_rows(values_only=True)
    header: dict[int, str] | None = None
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROWS:
            result.errors.append(ContentError(file, number, f"行数过多：最多 {MAX_ROWS} 行"))
            return
        if header is None:
            names = [_head(v, aliases) for v in values[:200]]
            if required <= set(names):
                header = _columns(names, file, number, result)
            elif number >= HEADER_SEARCH:
                break
            continue
        cells = {header[i]: v for i, v in enumerate(values) if i in header and v not in (None, "")}
        if cells:
            yield number, cells
    if header is None:
        need = "、".join(sorted(required))
        message = f"找不到表头：前 {HEADER_SEARCH} 行中没有“{need}”列"
        result.errors.append(ContentError(file, 1, message))


def _head(value, aliases: dict[str, str]) -> str:
    text = HEADER_CLEAN_RE.sub("", nfkc(str(value))) if value is not None else ""
    return aliases.get(text, text)


def _columns(names: list[str], file: str, line: int, result: ImportedBank) -> dict[int, str]:
    header: dict[int, str] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in header.values():
            result.errors.append(ContentError(file, line, f"表头中“{name}”列重复"))
        elif (
            name in KNOWN
            or OPTION_HEAD_RE.match(name)
            or name in {"标题", "情景", "依据", "案例编号"}
        ):
            header[index] = name
        else:
            result.warnings.append(ContentError(file, line, f"未识别的列“{name}”，已忽略"))
    return header


def _text(cells: dict, column: str, long: bool = False) -> str:
    value = cells.get(column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "正确" if value else "错误"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise RowError(column, "被 Excel 识别成了日期或时间：请把该列设为“文本”格式后重新填写")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if long:  # normalised as the Markdown parser does: no trailing spaces, no blank edges
        return join_text([(0, line) for line in text.split("\n")])
    return text.strip()


def _read_cases(sheet, file: str, result: ImportedBank) -> dict[str, CaseSpec]:
    cases: dict[str, CaseSpec] = {}
    for line, cells in _rows(sheet, file, result, CASE_ALIASES, {"案例编号", "标题"}):
        try:
            uid, title, topic = (
                _text(cells, "案例编号"),
                _text(cells, "标题"),
                _text(cells, "知识点"),
            )
            source = _text(cells, "出处")
            scenario, basis = _text(cells, "情景", True), _text(cells, "依据", True)
        except RowError as e:
            result.errors.append(ContentError(file, line, f"「{e.column}」{e.message}"))
            continue
        problems = [
            ("案例编号", not ID_RE.match(uid), "只能用小写字母、数字和连字符"),
            ("案例编号", uid in cases, f"案例编号“{uid}”重复"),
            ("标题", not 0 < len(title) <= 200, "标题应为 1 到 200 个字"),
            ("知识点", not 0 < len(topic) <= MAX_TOPIC, f"知识点应为 1 到 {MAX_TOPIC} 个字"),
            ("出处", not 0 < len(source) <= MAX_SOURCE, f"出处应为 1 到 {MAX_SOURCE} 个字"),
            ("情景", not scenario, "案例缺少情景"),
            ("依据", not basis, "案例缺少依据"),
        ]
        found = [f"「{col}」{msg}" for col, failed, msg in problems if failed]
        for message in found:
            result.errors.append(ContentError(file, line, message))
        if not found:
            cases[uid] = CaseSpec(uid, title, topic, scenario, basis, source, (), file, line)
    return cases


def _read_questions(sheet, file, default_topic, cases, result: ImportedBank) -> None:
    ids = IdAssigner(result, file)
    pending = []
    for line, cells in _rows(sheet, file, result, ALIASES, {"题型", "题干"}):
        try:
            draft = _draft(cells, default_topic, cases)
        except RowError as e:
            result.errors.append(ContentError(file, line, f"「{e.column}」{e.message}"))
            continue
        explicit = draft.id
        if explicit and not ids.explicit(explicit, line):
            continue
        draft.id = explicit or PLACEHOLDER_ID
        spec = build_row(draft, file, line, result, lambda p: f"「{p.field}」{p.message}")
        if spec is not None:
            pending.append((spec, line, bool(explicit)))
    for spec, line, explicit in pending:
        result.questions.append(spec if explicit else ids.generated(spec, line))
    result.cases = [
        CaseSpec(c.id, c.title, c.topic, c.scenario, c.basis, c.source,
                 tuple(q for q in result.questions if q.case_id == c.id), c.file, c.line)
        for c in cases.values()
    ]  # fmt: skip


def _draft(cells: dict, default_topic: str, cases: dict[str, CaseSpec]) -> Draft:
    kind_text = nfkc(_text(cells, "题型")).removesuffix("题")
    kind = KIND_NAMES.get(kind_text) or KIND_NAMES.get(
        {"单项选择": "单选", "多项选择": "多选", "问答": "简答", "案例分析": "案例"}.get(
            kind_text, ""
        )
    )
    if kind is None:
        raise RowError(
            "题型", f"未知题型“{_text(cells, '题型')}”，可用：单选、多选、判断、填空、简答"
        )
    case_id = _text(cells, "案例编号") or None
    topic = _text(cells, "知识点") or (cases[case_id].topic if case_id in cases else default_topic)
    stem = _text(cells, "题干", True)
    if kind == "fill" and "{{" not in stem:
        numbers = iter(range(1, 1000))
        stem = UNDERSCORES_RE.sub(lambda m: f"{{{{{next(numbers)}}}}}", stem)
    draft = Draft(
        id=_text(cells, "编号"),
        kind=kind,
        topic=topic,
        difficulty=_difficulty(_text(cells, "难度")),
        points=_points(_text(cells, "分值")),
        stem=stem,
        explanation=_text(cells, "解析", True),
        source=_text(cells, "出处"),
        tags=split_tags(_text(cells, "标签")),
        guidance=_text(cells, "评分说明", True),
        case_id=case_id,
        exclusion_group=_text(cells, "互斥组"),
    )
    draft.rule = _rule(_text(cells, "评分"))
    options = _options(cells)
    answer = _text(cells, "答案", long=kind == "essay")
    if kind in ("single", "multi"):
        draft.options = options
        _mark_correct(draft, answer, kind)
        _weights(draft, _text(cells, "权重"))
    elif kind == "tf":
        texts = [o.text for o in options]
        if options and all(nfkc(t).upper() in TF_WORDS for t in texts):
            letter = nfkc(answer).upper()
            if len(letter) == 1 and letter in LABELS[: len(texts)]:
                answer = texts[LABELS.index(letter)]
        else:
            draft.options = options
        verdict = TF_WORDS.get(nfkc(answer).upper())
        if verdict is None and answer:
            raise RowError("答案", f"判断题的答案应为“正确”或“错误”，不是“{answer}”")
        draft.answer = verdict
    elif kind == "fill":
        draft.options = options
        draft.blanks = blanks_from_text(answer)
        draft.any_order = _order(_text(cells, "顺序"))
    else:
        draft.options = options
        draft.reference_answer = answer
        draft.rubric = _rubric(_text(cells, "评分标准"))
        step = nfkc(_text(cells, "步长"))
        if step:
            if not POINTS_RE.match(step):
                raise RowError("步长", f"“步长”应为正数，如 0.5 或 1，不是“{step}”")
            draft.step = Decimal(step)
    return draft


def _difficulty(text: str) -> int | None:
    if not text:
        return 3
    value = nfkc(text)
    if value in {"1", "2", "3", "4", "5"}:
        return int(value)
    if value in DIFFICULTY_WORDS:
        return DIFFICULTY_WORDS[value]
    raise RowError("难度", f"难度应为 1 到 5 的整数，不是“{text}”")


def _points(text: str) -> Decimal | None:
    value = nfkc(text)
    if not value:
        raise RowError("分值", "分值为空")
    if not POINTS_RE.match(value) or Decimal(value) <= 0:
        raise RowError("分值", f"分值应为正数（最多两位小数），不是“{text}”")
    return Decimal(value)


def _rule(text: str) -> str | None:
    if not text:
        return None
    rule = RULE_NAMES.get(text) or (text if text in set(RULE_NAMES.values()) else None)
    if rule is None:
        raise RowError("评分", f"未知的评分规则“{text}”")
    return rule


def _options(cells: dict) -> list[DraftOption]:
    found: dict[int, str] = {}
    for column in cells:
        match = OPTION_HEAD_RE.match(column)
        if match:
            found[LABELS.index(match.group(1))] = _text(cells, column)
    found = {n: t for n, t in found.items() if t}
    options = []
    for n in range(max(found, default=-1) + 1):
        if n not in found:
            raise RowError(f"选项{LABELS[n]}", f"选项{LABELS[n]}为空，但后面的选项有内容")
        options.append(DraftOption(found[n], False))
    return options


def _mark_correct(draft: Draft, answer: str, kind: str) -> None:
    letters = re.sub(r"[\s,，、;；/]", "", nfkc(answer).upper())
    if not letters:
        raise RowError("答案", "选择题的答案为空：单选写字母如 B，多选写 AC")
    if not letters.isascii() or not letters.isalpha():
        raise RowError("答案", f"选择题的答案应为选项字母，如 B 或 AC，不是“{answer}”")
    if len(set(letters)) != len(letters):
        raise RowError("答案", f"答案“{answer}”中有重复的字母")
    for letter in letters:
        index = LABELS.index(letter)
        if index >= len(draft.options):
            raise RowError("答案", f"答案中的“{letter}”没有对应的选项")
        draft.options[index].correct = True


def _weights(draft: Draft, text: str) -> None:
    if not text:
        return
    compact = re.sub(r"\s*([:：=])\s*", r"\1", nfkc(text).upper())
    seen = set()
    for token in filter(None, re.split(r"[\s,，;；|、]+", compact)):
        match = WEIGHT_RE.match(token)
        if match is None:
            raise RowError("权重", f"“{token}”应写作 A:25%，多个用空格分隔")
        index = LABELS.index(match.group(1))
        if index >= len(draft.options) or index in seen:
            raise RowError("权重", f"“{token}”的选项不存在或重复")
        seen.add(index)
        draft.options[index].weight = Decimal(match.group(2)) / 100


def _order(text: str) -> bool:
    if text in ("", "固定", "按顺序"):
        return False
    if text in ("任意", "任意顺序", "不限"):
        return True
    raise RowError("顺序", f"“顺序”应为“任意”或“固定”，不是“{text}”")


def _rubric(text: str) -> list[DraftCriterion]:
    """One criterion per line; its levels (评分档次), if any, on the lines below it, indented
    and starting with "-": "  - 部分正确 (1.5分): 答出一半要点" (as in the content files)."""
    criteria: list[DraftCriterion] = []
    levels: list[str] = []
    n = 0

    def close() -> None:
        if levels:
            last = criteria[-1]
            try:
                criteria[-1] = last._replace(levels=levels_from_text("\n".join(levels)))
            except LevelTextError as e:
                raise RowError("评分标准", f"评分项“{last.title}”的{e}") from None
            levels.clear()

    for raw in (x for x in text.split("\n") if x.strip()):
        line = raw.strip()
        if criteria and raw[:1] in (" ", "\t", "\u3000") and line.startswith(("-", "*", "+")):
            levels.append(line)
            continue
        close()
        n += 1
        match = CRITERION_RE.match(line if line.startswith(("-", "*", "+")) else f"- {line}")
        if match is None:
            raise RowError("评分标准", f"第 {n} 项应写作“标题 (3分): 要点1；要点2”")
        keys = tuple(k.strip() for k in re.split(r"[；;]", match.group(3) or "") if k.strip())
        criteria.append(DraftCriterion(match.group(1).strip(), Decimal(match.group(2)), keys))
    if criteria:
        close()
    return criteria
