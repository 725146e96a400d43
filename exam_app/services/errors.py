"""The one error type services raise for users: its message is Chinese and shown as is."""

from collections.abc import Callable


class ServiceError(Exception):
    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class NotAllowed(ServiceError):
    def __init__(self, message: str):
        super().__init__(message, status=403)


def passes(check: Callable[..., object], *args, **kwargs) -> bool:
    """Whether a check that raises ServiceError lets this through (pages ask before offering)."""
    try:
        check(*args, **kwargs)
    except ServiceError:
        return False
    return True
