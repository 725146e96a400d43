"""Check a response's shape against its item before it is stored (forms can be forged)."""

from __future__ import annotations

from typing import Any

from exam_app.content.display import DisplayParts, display_parts
from exam_app.services.errors import ServiceError

MAX_BLANK = 500
MAX_ESSAY = 20_000


def blank_count(snapshot: dict) -> int:
    return len(snapshot.get("key", {}).get("blanks", []))


def check_response(
    kind: str, snapshot: dict | DisplayParts, response: Any, where: str = "本题"
) -> Any:
    """The response in its stored shape, or a Chinese error naming the item. `snapshot`:
    the item's snapshot, or just what is shown of it (its options and blanks)."""
    parts = snapshot if isinstance(snapshot, DisplayParts) else display_parts(snapshot)
    labels = parts.labels
    if response in (None, "", []):
        return None
    if kind == "single":
        if not isinstance(response, str) or response not in labels:
            raise ServiceError(f"{where}的选项无效。")
        return response
    if kind == "multi":
        if not isinstance(response, list) or not all(isinstance(r, str) for r in response):
            raise ServiceError(f"{where}的答案格式无效。")
        if not set(response) <= labels:
            raise ServiceError(f"{where}的选项无效。")
        return sorted(set(response))
    if kind == "tf":
        if not isinstance(response, bool):
            raise ServiceError(f"{where}只能选择“正确”或“错误”。")
        return response
    if kind == "fill":
        n = parts.blanks
        if not isinstance(response, list) or len(response) != n:
            raise ServiceError(f"{where}应有 {n} 个空。")
        if not all(isinstance(r, str) and len(r) <= MAX_BLANK for r in response):
            raise ServiceError(f"{where}的填空内容无效或过长（每空最多 {MAX_BLANK} 字）。")
        return response if any(r.strip() for r in response) else None
    if kind == "essay":
        if not isinstance(response, str):
            raise ServiceError(f"{where}的答案格式无效。")
        if len(response) > MAX_ESSAY:
            raise ServiceError(f"{where}的答案过长（最多 {MAX_ESSAY} 字）。")
        return response
    raise ServiceError(f"{where}的题型未知。")
