"""The thresholds of 客户服务质量考核办法 §4.2 as data, and their JSON form.

A company whose own 考核办法 differs changes the numbers, not the code: rules_to_mapping gives
a JSON-ready dict to store, rules_from_mapping reads it back and says in Chinese what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import QualityError

ONE = Decimal(1)
FEN = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    """A range of the month's deducted points and what it brings beyond 5 元 a point."""

    low: int
    high: int | None  # None: no upper end
    extra_fine: Decimal  # 加罚, in 元
    step: str  # '', '行政处分', '开除'
    note: str = ""  # where the band comes from, shown to whoever edits the rules

    def holds(self, points: int) -> bool:
        return points >= self.low and (self.high is None or points <= self.high)


@dataclass(frozen=True)
class QualityRules:
    yuan_per_point: Decimal
    bands: tuple[Band, ...]  # ascending, not overlapping; gaps bring nothing
    post_at_points: int  # posted (公布张贴) at this many deducted points or more
    repeat_times: int  # "同一问题发生三次": posted, and the supervisor is brought in
    liable_share: Decimal  # 0.70
    supervisor_share: Decimal  # 0.30

    def band_for(self, deducted: int) -> Band | None:
        return next((b for b in self.bands if b.holds(deducted)), None)


DEFAULT_RULES = QualityRules(
    yuan_per_point=Decimal(5),  # §4.2.1 每被扣1分，罚款人民币伍圆
    bands=(
        Band(5, 10, Decimal(20), "", "§4.2.2 每月累计扣分达5~10分，加罚人民币贰拾圆"),
        Band(11, 15, Decimal(0), "行政处分", "§4.2.3 每月累计扣分达11~15分，另作行政处分"),
        # §4.2.3 stops at 15 and §4.2.4 starts at 20: a person between them has been
        # administratively punished already, so the step does not fall back to nothing.
        Band(16, 19, Decimal(0), "行政处分", "考核办法未规定16~19分，平台按行政处分处理，可修改"),
        Band(20, None, Decimal(0), "开除", "§4.2.4 每月累计扣分达20分以上，作开除处理"),
    ),
    post_at_points=5,  # §4.2.5 扣分达5分(含5分)以上
    repeat_times=3,  # §4.2.5 / §4.2.7 同一问题发生三次(含三次)以上
    liable_share=Decimal("0.70"),  # §4.2.6 责任人处罚70%
    supervisor_share=Decimal("0.30"),  # §4.2.6 直属上司处罚30%
)

RULE_KEYS = {
    "yuan_per_point": "每分罚款",
    "bands": "分档",
    "post_at_points": "公布张贴分数",
    "repeat_times": "同一问题次数",
    "liable_share": "责任人比例",
    "supervisor_share": "直属上司比例",
}
BAND_KEYS = {"low": "起点", "high": "终点", "extra_fine": "加罚", "step": "处理", "note": "说明"}


def rules_to_mapping(rules: QualityRules) -> dict[str, Any]:
    """JSON-ready: money and shares as strings, so no float ever touches them."""
    return {
        "yuan_per_point": _text(rules.yuan_per_point),
        "bands": [
            {
                "low": b.low,
                "high": b.high,
                "extra_fine": _text(b.extra_fine),
                "step": b.step,
                "note": b.note,
            }
            for b in rules.bands
        ],
        "post_at_points": rules.post_at_points,
        "repeat_times": rules.repeat_times,
        "liable_share": _text(rules.liable_share),
        "supervisor_share": _text(rules.supervisor_share),
    }


def rules_from_mapping(data: Mapping[str, Any]) -> QualityRules:
    """Read rules stored as JSON; every problem is named at once in one QualityError."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise QualityError("考核规则应为一组“名称: 值”")
    _keys(data, RULE_KEYS, "考核规则", problems)
    money = _money(data.get("yuan_per_point"), "每分罚款", problems)
    post_at = _count(data.get("post_at_points"), "公布张贴分数", problems)
    repeat = _count(data.get("repeat_times"), "同一问题次数", problems)
    liable = _share(data.get("liable_share"), "责任人比例", problems)
    supervisor = _share(data.get("supervisor_share"), "直属上司比例", problems)
    if liable is not None and supervisor is not None and liable + supervisor != ONE:
        problems.append(f"责任人比例与直属上司比例之和应为 1，现在是 {liable} + {supervisor}")
    bands = _bands(data.get("bands"), problems)
    if problems:
        raise QualityError("考核规则有误：" + "；".join(problems))
    assert money is not None and post_at is not None and repeat is not None
    assert liable is not None and supervisor is not None
    return QualityRules(money, bands, post_at, repeat, liable, supervisor)


def _keys(data: Mapping[str, Any], known: dict[str, str], what: str, problems: list[str]) -> None:
    for key in data:
        if key not in known:
            problems.append(f"{what}中有未知项“{key}”")
    for key, name in known.items():
        if key not in data and key != "note":
            problems.append(f"{what}缺少“{name}”（{key}）")


def _bands(value: Any, problems: list[str]) -> tuple[Band, ...]:
    if not isinstance(value, list | tuple):
        problems.append("分档应为一个列表")
        return ()
    bands: list[Band] = []
    for number, item in enumerate(value, start=1):
        where = f"第 {number} 档"
        if not isinstance(item, Mapping):
            problems.append(f"{where}应为一组“名称: 值”")
            continue
        before = len(problems)
        _keys(item, BAND_KEYS, where, problems)
        low = _count(item.get("low"), f"{where}的起点", problems)
        high = (
            None if item.get("high") is None else _count(item["high"], f"{where}的终点", problems)
        )
        extra = _money(item.get("extra_fine"), f"{where}的加罚", problems)
        step, note = item.get("step", ""), item.get("note", "")
        if not isinstance(step, str) or not isinstance(note, str) or len(step) > 20:
            problems.append(f"{where}的处理和说明应为文字（处理最多 20 字）")
        if low is not None and high is not None and high < low:
            problems.append(f"{where}的终点 {high} 小于起点 {low}")
        if len(problems) == before and low is not None and extra is not None:
            bands.append(Band(low, high, extra, step, note))
    for first, second in zip(bands, bands[1:], strict=False):
        if first.high is None or second.low <= first.high:
            problems.append(f"分档应从低到高且不重叠：{_span(first)} 与 {_span(second)} 重叠")
    return tuple(bands)


def _span(band: Band) -> str:
    return f"{band.low}~{band.high} 分" if band.high is not None else f"{band.low} 分以上"


def _count(value: Any, name: str, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{name}应为正整数，不是“{value}”")
        return None
    return value


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None  # floats are refused: 0.7 stored as a float is not 0.7
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _money(value: Any, name: str, problems: list[str]) -> Decimal | None:
    number = _number(value)
    if number is None or number < 0 or number != number.quantize(FEN):
        problems.append(f"{name}应为不小于 0、最多两位小数的金额（元），不是“{value}”")
        return None
    return number


def _share(value: Any, name: str, problems: list[str]) -> Decimal | None:
    number = _number(value)
    if number is None or number < 0 or number > ONE:
        problems.append(f"{name}应为 0 到 1 之间的小数（如 0.70），不是“{value}”")
        return None
    return number


def _text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text
