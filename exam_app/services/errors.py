"""The one error type services raise for users: its message is Chinese and shown as is."""


class ServiceError(Exception):
    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class NotAllowed(ServiceError):
    def __init__(self, message: str):
        super().__init__(message, status=403)
