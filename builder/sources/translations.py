"""`budgetsite check --translations`: for the translators, the free texts of each project
that have no English yet, and how much of the project is translated."""

from __future__ import annotations

from dataclasses import dataclass

from builder.core.model import Content, Project, Section


@dataclass(frozen=True)
class Coverage:
    """How much of a project has English: each free text of project.yaml and each
    narrative section is one text. The one count, for this report and the scorecard."""

    project: Project
    texts: int
    fields: tuple[str, ...]        # field paths in project.yaml: 'indicators[2].source'
    sections: tuple[Section, ...]  # narrative sections that en.md lacks or leaves empty

    @property
    def missing(self) -> tuple[str, ...]:
        """'project.yaml: name', 'en.md: #overview', …"""
        return (*(f"project.yaml: {path}" for path in self.fields),
                *(f"en.md: #{section.id}" for section in self.sections))

    @property
    def translated(self) -> int:
        return self.texts - len(self.fields) - len(self.sections)

    @property
    def percent(self) -> int:
        """Rounded down, so that 100% means nothing is missing."""
        return 100 * self.translated // self.texts if self.texts else 100


def coverage(project: Project) -> Coverage:
    sections = project.narrative_in("en")
    return Coverage(project, project.text_fields + len(sections), project.missing_english,
                    tuple(section for section, translated in sections if not translated))


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
