"""`budgetsite check --translations`: for the translators, the free texts of each project
that have no English yet, and how much of the project is translated."""

from __future__ import annotations

from dataclasses import dataclass

from budgetsite.core.model import Content, Project


@dataclass(frozen=True)
class Coverage:
    project: Project
    texts: int
    missing: tuple[str, ...]  # 'project.yaml: name', 'en.md: #overview', …

    @property
    def translated(self) -> int:
        return self.texts - len(self.missing)

    @property
    def percent(self) -> int:
        """Rounded down, so that 100% means nothing is missing."""
        return 100 * self.translated // self.texts if self.texts else 100


def coverage(project: Project) -> Coverage:
    sections = project.narrative_in("en")
    missing = [f"project.yaml: {name}" for name in project.missing_english]
    missing += [f"en.md: #{s.id}" for s, translated in sections if not translated]
    return Coverage(project, project.text_fields + len(sections), tuple(missing))


def report(content: Content) -> list[str]:
    """The lines of the report, one block per project, then the total."""
    lines: list[str] = []
    results = [coverage(p) for p in content.projects]
    for result in results:
        head = (f"{result.project.key}: {result.percent}% translated "
                f"({result.translated} of {result.texts} texts)")
        lines.append(head + ("; missing English:" if result.missing else ""))
        lines += [f"    content/projects/{result.project.key}/{item}" for item in result.missing]
    texts = sum(r.texts for r in results)
    done = sum(r.translated for r in results)
    lines.append(f"budgetsite: {len(results)} project(s); {done} of {texts} texts have "
                 f"English ({100 * done // texts if texts else 100}%)")
    return lines
