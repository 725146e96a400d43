"""What the grading page shows beside the answer: the rubric with key-point hints.

Built from the snapshot alone: nothing about the candidate beyond the attempt's code.
"""

from __future__ import annotations

from typing import Any

from exam_app.grading.key_points import key_point_hints
from exam_app.models import AttemptItem


def rubric_view(item: AttemptItem) -> list[dict[str, Any]]:
    """Each criterion with its key points, those the answer appears to make flagged."""
    return [
        {**criterion, "hints": key_point_hints(item.response, criterion.get("key_points", []))}
        for criterion in item.snapshot.get("rubric", [])
    ]
