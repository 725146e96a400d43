"""Errors of the quality package; their messages are shown to users, hence Chinese."""

from __future__ import annotations


class QualityError(ValueError):
    """Bad rules, weights, scores or occurrences handed to the pure quality rules."""
