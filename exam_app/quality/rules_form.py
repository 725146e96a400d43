"""The rules page's form, read and checked: QualityRules from the text people type.

Pure, like the rules themselves. Every problem is named by its field (form name and the
label people see) so the page marks the very input; all problems come at once.

Decisions:
- Shares are typed as percents (70 / 30), the way 考核办法 §4.2.6 writes them, and must add
  up to 100; they are stored as the fractions rules_from_mapping reads (0.7 / 0.3).
- Bands overlapping, or out of order, are errors: a month's points would fall in two bands
  and the fine would depend on which one the code happens to pick.
- Gaps between bands are warnings, not errors: 考核办法 §4.2 itself leaves one (11–15 分
  行政处分, then 20 分以上 开除: nothing for 16–19), a company may copy its own document
  literally, and points in a gap simply bring no extra fine and no step. Saving with a gap
  is allowed; the page shows the gap in words before and after saving, and nothing is
  frozen until a month is confirmed, so a gap made by a typo is seen and fixed in time.
  Points below the first band are not a gap: that is the ordinary month.
- A blank band row, or one ticked 删除此档, is no band; only the last band may leave its
  终点 empty (no upper end). A blank 加罚 is 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import QualityError
from .rules import Band, QualityRules, rules_from_mapping, rules_to_mapping

BAND_ROWS = 8  # rows the page offers; more bands than this no 考核办法 needs
HUNDRED = Decimal(100)

LABELS = {
    "yuan_per_point": "每扣 1 分罚款（元）",
    "post_at_points": "公布张贴：当月扣分达（分）",
    "repeat_times": "同一问题发生（次）",
    "liable_percent": "责任人承担（%）",
    "supervisor_percent": "直属上司承担（%）",
}
BAND_LABELS = {
    "low": "起点（分）",
    "high": "终点（分）",
    "extra": "加罚（元）",
    "step": "处理",
    "note": "说明",
}
STEP_MAX, NOTE_MAX = 20, 200

_MONEY = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")
_POINTS = re.compile(r"[0-9]{1,4}")
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")


class RulesFormInvalid(QualityError):
    """Problems by form field name, each a Chinese sentence naming the field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("考核规则有误：" + "；".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class RulesDraft:
    rules: QualityRules
    warnings: tuple[str, ...]


def band_field(number: int, part: str) -> str:
    return f"band-{number}-{part}"


def field_names() -> list[str]:
    """Every field of the form, so a view reads exactly these from the request."""
    bands = [
        band_field(n, part) for n in range(1, BAND_ROWS + 1) for part in [*BAND_LABELS, "drop"]
    ]
    return [*LABELS, *bands]


def form_values(rules: QualityRules) -> dict[str, str]:
    """The form filled with `rules`, as text, blank rows after the bands."""
    values = {
        "yuan_per_point": _plain(rules.yuan_per_point),
        "post_at_points": str(rules.post_at_points),
        "repeat_times": str(rules.repeat_times),
        "liable_percent": _plain(rules.liable_share * HUNDRED),
        "supervisor_percent": _plain(rules.supervisor_share * HUNDRED),
    }
    for number in range(1, BAND_ROWS + 1):
        band = rules.bands[number - 1] if number <= len(rules.bands) else None
        values |= {
            band_field(number, "low"): str(band.low) if band else "",
            band_field(number, "high"): str(band.high) if band and band.high is not None else "",
            # 0 shows as blank: a blank 加罚 is 0, and a band is deleted by clearing its row
            band_field(number, "extra"): _plain(band.extra_fine)
            if band and band.extra_fine
            else "",
            band_field(number, "step"): band.step if band else "",
            band_field(number, "note"): band.note if band else "",
            band_field(number, "drop"): "",
        }
    return values


def rules_from_form(form: Mapping[str, str]) -> RulesDraft:
    """Read the page's fields; RulesFormInvalid names every bad field at once."""
    problems: dict[str, str] = {}

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def number(name: str, label: str, pattern: re.Pattern[str], what: str) -> Decimal | None:
        value = _ascii(text(name))
        if not value:
            problems[name] = f"请填写「{label}」"
            return None
        if not pattern.fullmatch(value):
            problems[name] = f"「{label}」应为{what}，不是“{value[:20]}”"
            return None
        return Decimal(value)

    money_what = "不小于 0、最多两位小数的金额"
    yuan = number("yuan_per_point", LABELS["yuan_per_point"], _MONEY, money_what)
    post_at = _positive(number("post_at_points", LABELS["post_at_points"], _POINTS, "正整数"),
                        "post_at_points", problems)  # fmt: skip
    repeat = _positive(number("repeat_times", LABELS["repeat_times"], _POINTS, "正整数"),
                       "repeat_times", problems)  # fmt: skip
    percent_what = "0 到 100 之间、最多两位小数的百分数"
    liable = number("liable_percent", LABELS["liable_percent"], _PERCENT, percent_what)
    supervisor = number("supervisor_percent", LABELS["supervisor_percent"], _PERCENT, percent_what)
    for name, value in (("liable_percent", liable), ("supervisor_percent", supervisor)):
        if value is not None and value > HUNDRED:
            problems[name] = f"「{LABELS[name]}」应为{percent_what}，不是“{value}”"
    if (
        liable is not None
        and supervisor is not None
        and "liable_percent" not in problems
        and "supervisor_percent" not in problems
        and liable + supervisor != HUNDRED
    ):
        problems["supervisor_percent"] = (
            f"「责任人承担」与「直属上司承担」之和应为 100%，现在是 {liable} + {supervisor}"
        )

    rows = _band_rows(form, text, problems)
    warnings = _order(rows, problems)
    if problems:
        raise RulesFormInvalid(problems)
    assert yuan is not None and post_at is not None and repeat is not None
    assert liable is not None and supervisor is not None
    rules = QualityRules(
        yuan_per_point=yuan,
        bands=tuple(band for _, band in sorted(rows, key=lambda row: row[1].low)),
        post_at_points=post_at,
        repeat_times=repeat,
        liable_share=liable / HUNDRED,
        supervisor_share=supervisor / HUNDRED,
    )
    # The stored form must read back as these very rules (it is what the summaries use).
    rules = rules_from_mapping(rules_to_mapping(rules))
    return RulesDraft(rules, tuple(warnings))


def _ascii(number: str) -> str:
    """Full-width ５．５ typed with a Chinese input method reads as 5.5 (numbers only: the
    notes keep their own punctuation)."""
    return unicodedata.normalize("NFKC", number)


def _positive(value: Decimal | None, name: str, problems: dict[str, str]) -> int | None:
    if value is None:
        return None
    if value < 1:
        problems[name] = f"「{LABELS[name]}」应为正整数，不是“{value}”"
        return None
    return int(value)


def _band_rows(form, text, problems: dict[str, str]) -> list[tuple[int, Band]]:
    rows: list[tuple[int, Band]] = []
    for number in range(1, BAND_ROWS + 1):
        cells = {part: text(band_field(number, part)) for part in BAND_LABELS}
        cells |= {part: _ascii(cells[part]) for part in ("low", "high", "extra")}
        if not any(cells.values()) or text(band_field(number, "drop")):
            continue  # a blank row, or one ticked 删除此档, is no band
        where = f"第 {number} 档"

        def bad(part: str, message: str, where: str = where, number: int = number) -> None:
            problems[band_field(number, part)] = f"{where}「{BAND_LABELS[part]}」{message}"

        low = high = extra = None
        if not cells["low"]:
            bad("low", "不能为空")
        elif not _POINTS.fullmatch(cells["low"]) or int(cells["low"]) < 1:
            bad("low", f"应为正整数，不是“{cells['low'][:20]}”")
        else:
            low = int(cells["low"])
        if cells["high"]:
            if not _POINTS.fullmatch(cells["high"]) or int(cells["high"]) < 1:
                bad("high", f"应为正整数或留空（不设上限），不是“{cells['high'][:20]}”")
            else:
                high = int(cells["high"])
        if low is not None and high is not None and high < low:
            bad("high", f"{high} 小于起点 {low}")
        if not cells["extra"]:
            extra = Decimal(0)  # a band may bring only a step
        elif not _MONEY.fullmatch(cells["extra"]):
            bad("extra", f"应为不小于 0、最多两位小数的金额，不是“{cells['extra'][:20]}”")
        else:
            extra = Decimal(cells["extra"])
        if len(cells["step"]) > STEP_MAX:
            bad("step", f"最多 {STEP_MAX} 个字")
        if len(cells["note"]) > NOTE_MAX:
            bad("note", f"最多 {NOTE_MAX} 个字")
        if any(band_field(number, part) in problems for part in BAND_LABELS):
            continue
        assert low is not None and extra is not None
        rows.append((number, Band(low, high, extra, cells["step"], cells["note"])))
    return rows


def span(band: Band) -> str:
    return f"{band.low}~{band.high} 分" if band.high is not None else f"{band.low} 分以上"


def _order(rows: list[tuple[int, Band]], problems: dict[str, str]) -> list[str]:
    """Overlaps are errors (named at the later row's 起点); gaps are warnings."""
    warnings: list[str] = []
    ordered = sorted(rows, key=lambda row: row[1].low)
    for (n1, first), (n2, second) in zip(ordered, ordered[1:], strict=False):
        if first.high is None or second.low <= first.high:
            # the open-ended band (or the later one) is named where the fix is typed
            at = band_field(n1, "high") if first.high is None else band_field(n2, "low")
            problems.setdefault(
                at,
                f"第 {n1} 档（{span(first)}）与第 {n2} 档（{span(second)}）重叠："
                "同一分数不能落在两档",
            )
        elif second.low > first.high + 1:
            gap = (first.high + 1, second.low - 1)
            warnings.append(
                f"第 {n1} 档（{span(first)}）与第 {n2} 档（{span(second)}）之间有间隔："
                f"当月扣分 {_range(*gap)}不加罚、不作处理"
            )
    if ordered and ordered[-1][1].high is not None and not problems:
        n, last = ordered[-1]
        warnings.append(
            f"第 {n} 档（{span(last)}）之后不设档：扣分超过 {last.high} 分不加罚、不作处理"
        )
    return warnings


def _range(low: int, high: int) -> str:
    return f"{low} 分" if low == high else f"{low}~{high} 分"


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def gaps(rules: QualityRules) -> list[str]:
    """The warnings of rules already stored, for the page's current values."""
    rows = list(enumerate(rules.bands, start=1))
    return _order(rows, {})
