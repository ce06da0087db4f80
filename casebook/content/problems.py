"""Problems found in content: every one carries the file path and line it concerns."""
from __future__ import annotations

from dataclasses import dataclass, asdict


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"
    code: str = "invalid"

    def format(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class ProblemList(list):
    """A list of problems with helpers to add them."""

    def error(self, path: str, line: int, message: str, code: str = "invalid") -> None:
        self.append(Problem(path, max(int(line or 1), 1), message, "error", code))

    def warning(self, path: str, line: int, message: str, code: str = "warning") -> None:
        self.append(Problem(path, max(int(line or 1), 1), message, "warning", code))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity == "warning"]
