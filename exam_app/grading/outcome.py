"""The result of scoring one objective item."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Outcome:
    score: Decimal  # quantised to 0.01, within [0, points]
    points: Decimal  # the item's maximum, quantised to 0.01

    @property
    def full(self) -> bool:
        return self.score == self.points
