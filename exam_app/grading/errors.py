"""Errors raised by the grading package; their messages are shown to users, hence Chinese."""


class GradingError(ValueError):
    """A bad answer key, rule, kind, points value or mark."""
