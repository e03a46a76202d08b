"""The exception tree, and the problems that validation collects."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from builder.core import codes


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located as precisely as we can, with the code
    of the rule it breaks (core.codes; explained in docs/problems.md)."""

    path: str
    line: int
    col: int
    field: str
    message: str
    warning: bool = False
    code: str = dataclasses.field(kw_only=True)

    def __post_init__(self) -> None:
        if self.code not in codes.CODES:
            raise ValueError(f"unregistered problem code {self.code!r}")
        if codes.is_warning(self.code) != self.warning:
            raise ValueError(f"{self.code} is registered as {codes.CODES[self.code].kind}")

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return (f"{self.path}:{self.line}:{self.col}: {self.field}: {kind}{self.message} "
                f"{codes.tag(self.code)}")


class Located(Protocol):
    """A source file that can say where a field path is written in it (load.Source)."""

    path: str

    def mark(self, path: tuple) -> tuple[int, int]: ...


@dataclass
class Checker:
    """Collects the problems of one source file, each at the line and column where
    its field is written."""

    source: Located
    problems: list[Problem]

    def error(self, path: tuple, message: str, code: str, warning: bool = False) -> None:
        line, col = self.source.mark(path)
        self.problems.append(Problem(self.source.path, line, col, field_name(path),
                                     message, warning, code=code))

    def warn(self, path: tuple, message: str, code: str) -> None:
        self.error(path, message, code, warning=True)


def field_name(path: tuple) -> str:
    """('indicators', 0, 'name') → 'indicators[1].name' (counting from 1, as people do)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".") or "file"


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
