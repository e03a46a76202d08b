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
WORKFLOW = ".github/workflows/publish.yml"
# The publishing workflow of a site built in shards (`init --shards N`): SHARDS_LIST and
# SHARDS in it are replaced by the shards' numbers and their count.
SHARDED_WORKFLOW = SKELETON / "sharded" / "publish.yml"
# The two commands of a build in shards, as the sharded workflow runs them (in the
# shard jobs with K = ${{ matrix.shard }}; the merge job finds each shard's artifact
# under shards/shard-K/). The tests run exactly these.
SHARD_COMMAND = "budgetsite build --shard {k}/{n} --out shard-{k}"
MERGE_COMMAND = "budgetsite merge shards/shard-* --out public"


def new_site(folder: Path, shards: int | None = None) -> list[str]:
    """Write the skeleton into `folder` (made if missing) and return the files written;
    with `shards`, a publishing workflow that builds the site in that many shards.
    Writes nothing when any of them exists already: a site is never half overwritten.
    Raises ConfigError."""
    if shards is not None and not 1 <= shards <= MAX_SHARDS:
        raise ConfigError(f"--shards {shards}: give a number of shards from 1 to "
                          f"{MAX_SHARDS} (a CI matrix holds at most {MAX_SHARDS} jobs)")
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
    if shards is not None:
        texts[WORKFLOW] = sharded_workflow(shards)
    try:
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            with open(folder / name, "x", encoding="utf-8", newline="\n") as out:
                out.write(texts[name])
    except OSError as err:
        raise ConfigError(f"could not write the new site into {folder}: "
                          f"{err.strerror or err}") from None
    return names


MAX_SHARDS = 256  # GitHub Actions runs at most 256 jobs of one matrix


def sharded_workflow(shards: int) -> str:
    """The publishing workflow with a matrix of `shards` shard builds and a merge."""
    text = SHARDED_WORKFLOW.read_text(encoding="utf-8")
    numbers = "[" + ", ".join(str(k) for k in range(1, shards + 1)) + "]"
    return text.replace("SHARDS_LIST", numbers).replace("SHARDS", str(shards))


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
