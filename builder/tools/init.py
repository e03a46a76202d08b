"""`budgetsite init DIR`: a new site repository for any city's districts.

The files it writes are the skeleton shipped beside this module (package data), so
that what a new site starts from can be read, and tested, as the files themselves:
site.yaml and districts.yaml with placeholders that validate as they are, the
.gitignore, the publishing workflow (the same file as budgetsite's own) and a README
for staff. Only requirements.txt is written from code: it names the budgetsite that
made the site, which only the running installation knows.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import builder
from builder.core.errors import ConfigError

SKELETON = Path(__file__).resolve().parent / "skeleton"
# Relative to the new site's folder, in the order they are listed to the user.
FILES = (
    "content/site.yaml",
    "content/districts.yaml",
    "README.md",
    ".gitignore",
    ".github/workflows/publish.yml",
)
REQUIREMENTS = "requirements.txt"


def new_site(folder: Path) -> list[str]:
    """Write the skeleton into `folder` (made if missing) and return the files written.
    Writes nothing when any of them exists already: a site is never half overwritten;
    and leaves nothing when one cannot be written. Raises ConfigError."""
    names = [*FILES, REQUIREMENTS]
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} exists and is not a folder; choose another place")
    taken = [name for name in names if (folder / name).exists() or
             (folder / name).is_symlink()]
    if taken:
        raise ConfigError(f"{folder} already holds {', '.join(taken)}; budgetsite init "
                          f"overwrites nothing: choose an empty folder, or move "
                          f"{'these' if len(taken) > 1 else 'it'} away first")
    texts = {name: (SKELETON / name).read_text(encoding="utf-8") for name in FILES}
    texts[REQUIREMENTS] = requirements()
    made: list[Path] = []  # files and folders written, in order
    try:
        for name in names:
            _make_folders((folder / name).parent, made)
            with open(folder / name, "x", encoding="utf-8", newline="\n") as out:
                made.append(folder / name)
                out.write(texts[name])
    except OSError as err:
        _remove(made)
        raise ConfigError(f"could not write the new site into {folder}: "
                          f"{err.strerror or err}; nothing was left there") from None
    return names


def _make_folders(path: Path, made: list[Path]) -> None:
    """`path` and its missing parents, each noted in `made` as it is made."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _remove(made: list[Path]) -> None:
    """Undo a half-written site: all or nothing, so that a second try finds no file
    of its own in the way."""
    for path in reversed(made):
        try:
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        except OSError:
            pass


def requirements() -> str:
    """requirements.txt: the budgetsite the publishing workflow installs. Pinned to the
    commit it came from when it was installed from a git repository (pip records that
    in direct_url.json), else to its version; the comment says how to change it."""
    lines = [
        "# The budgetsite that builds this site: the publishing workflow installs it",
        "# with `python3 -m pip install -r requirements.txt`, and so should you.",
        "# Name one fixed version, so that the site is built the same way until you",
        "# choose to upgrade; where budgetsite comes from a git repository, write e.g.",
        "#   budgetsite @ git+https://github.com/<owner>/budgetsite@<tag or commit>",
    ]
    return "\n".join([*lines, _this_budgetsite()]) + "\n"


def _this_budgetsite() -> str:
    try:
        direct = json.loads(metadata.distribution("budgetsite").read_text("direct_url.json")
                            or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        direct = {}
    vcs = direct.get("vcs_info") if isinstance(direct, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"budgetsite @ git+{direct['url']}@{vcs['commit_id']}"
    return f"budgetsite=={builder.version()}"
