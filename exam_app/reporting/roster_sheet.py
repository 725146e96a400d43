"""Read a staff roster workbook (工号, 姓名, 部门, 岗位, 角色, 直属上司工号): rows or errors naming
the cell.

A damaged or foreign file gives an error, never an exception.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import load_workbook

COLUMNS = ("工号", "姓名", "部门", "岗位", "角色", "直属上司工号")
REQUIRED = ("工号", "姓名")
LIMITS = {"工号": 30, "姓名": 50, "部门": 100, "岗位": 50, "直属上司工号": 30}
MAX_ROWS = 20000
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


@dataclass(frozen=True)
class RosterRow:
    line: int  # the row number Excel shows
    staff_no: str
    name: str
    department: str  # "" = leave as it is
    position: str  # "" = leave as it is
    roles: frozenset[str] | None  # None = leave as they are (new people: 客服人员)
    supervisor_no: str = ""  # the direct superior's 工号; "" = leave as it is (new people: none)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 工号 typed as a number
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_roster(data: bytes, role_names: Mapping[str, str]) -> tuple[list[RosterRow], list[str]]:
    """`role_names` maps each accepted spelling (label or code) to a role code."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not .xlsx
        return [], ["文件无法读取：请上传 Excel（.xlsx）文件，可先下载模板。"]
    sheet = book.active
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [f"第 1 行缺少列：{'、'.join(missing)}（应有：{'、'.join(COLUMNS)}）。"]
    where = {name: header.index(name) for name in COLUMNS if name in header}
    result, errors, seen = [], [], {}
    for line, values in enumerate(rows, start=2):
        if line > MAX_ROWS + 1:
            errors.append(f"文件超过 {MAX_ROWS} 行，请分批导入。")
            break
        cells = {n: _text(values[i]) if i < len(values) else "" for n, i in where.items()}
        if not any(cells.values()):
            continue  # blank lines between blocks are common
        row_errors = []
        for name in REQUIRED:
            if not cells[name]:
                row_errors.append(f"第 {line} 行「{name}」：不能为空。")
        for name, limit in LIMITS.items():
            if len(cells.get(name, "")) > limit:
                row_errors.append(f"第 {line} 行「{name}」：最多 {limit} 个字符。")
        roles = None
        if cells.get("角色"):
            words = [w for w in _SEPARATORS.split(cells["角色"]) if w]
            unknown = [w for w in words if w not in role_names and w.lower() not in role_names]
            if unknown:
                row_errors.append(
                    f"第 {line} 行「角色」：无法识别「{'、'.join(unknown)}」，可填："
                    f"{'、'.join(k for k in role_names if not k.isascii())}。"
                )
            roles = frozenset(role_names.get(w, role_names.get(w.lower(), "")) for w in words)
        staff_no = cells["工号"]
        if staff_no and staff_no in seen:
            row_errors.append(f"第 {line} 行「工号」：{staff_no} 与第 {seen[staff_no]} 行重复。")
        seen.setdefault(staff_no, line)
        errors.extend(row_errors)
        if not row_errors:
            result.append(
                RosterRow(
                    line,
                    staff_no,
                    cells["姓名"],
                    cells.get("部门", ""),
                    cells.get("岗位", ""),
                    roles,
                    cells.get("直属上司工号", ""),
                )  # fmt: skip
            )
    return result, errors


def template_rows() -> list[list[str]]:
    return [["T00001", "张三", "客服一部", "话务员", "客服人员", "T00002"],
            ["T00002", "李四", "客服一部", "班长", "客服人员、阅卷人", ""]]  # fmt: skip
