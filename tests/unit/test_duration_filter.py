"""The waiting room's countdown as the page first shows it (notice.js writes the same)."""

import pytest

from exam_app.web.filters import duration


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "00:00"), (-5, "00:00"), (59, "00:59"), (65, "01:05"), (3599, "59:59"),
    (3600, "1:00:00"), (3725, "1:02:05"), (86399, "23:59:59"), (86400, "1 天 00:00:00"),
    (90061, "1 天 01:01:01"), (3 * 86400 + 5, "3 天 00:00:05"),
])  # fmt: skip
def test_duration(seconds, shown):
    assert duration(seconds) == shown
