"""The exception tree, and the problems that validation collects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located as precisely as we can."""

    path: str
    line: int
    col: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}:{self.col}: {self.field}: {kind}{self.message}"


class SiteError(Exception):
    """Anything the user can fix; the CLI prints it without a traceback."""


class ContentError(SiteError):
    """The sources are wrong. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(SiteError):
    """The command line or site configuration is wrong."""


class BuildError(SiteError):
    """Writing the site failed (disk, search indexer)."""
