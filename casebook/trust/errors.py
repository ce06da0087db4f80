"""The one error the trust services raise: a Chinese message and the HTTP status it maps to."""
from __future__ import annotations


class TrustError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status
