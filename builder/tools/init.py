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
import re
import subprocess
import textwrap
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

import builder
from builder.core.errors import ConfigError

SKELETON = Path(__file__).resolve().parent / "skeleton"
PACKAGE = Path(builder.__file__).resolve().parent  # the running budgetsite's code
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
    Writes nothing when any of them exists already: a site is never half overwritten;
    and leaves nothing when one cannot be written. Raises ConfigError."""
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


MAX_SHARDS = 256  # GitHub Actions runs at most 256 jobs of one matrix


def sharded_workflow(shards: int) -> str:
    """The publishing workflow with a matrix of `shards` shard builds and a merge."""
    text = SHARDED_WORKFLOW.read_text(encoding="utf-8")
    numbers = "[" + ", ".join(str(k) for k in range(1, shards + 1)) + "]"
    return text.replace("SHARDS_LIST", numbers).replace("SHARDS", str(shards))


def requirements() -> str:
    """requirements.txt: the budgetsite the publishing workflow installs, pinned to
    where the running budgetsite came from (source()), with a comment saying so."""
    requirement, came_from = source(PACKAGE)
    lines = [
        "# The budgetsite that builds this site: the publishing workflow installs it",
        "# with `python3 -m pip install -r requirements.txt`, and so should you.",
        "# It names one fixed budgetsite, so that the site is built the same way until",
        "# you choose to upgrade; to upgrade, or to install it from elsewhere, write e.g.",
        "#   budgetsite @ git+https://github.com/<owner>/budgetsite@<tag or commit>",
        "#",
        *(f"# {line}" for line in came_from),
    ]
    return "\n".join([*lines, requirement]) + "\n"


LOCAL_ONLY = ("That is a path on the computer that ran `budgetsite init`: the publishing "
              "workflow on the git host cannot install it. Replace it with the git URL "
              "of the budgetsite repository and a commit, as above, before you push.")


def source(package: Path) -> tuple[str, list[str]]:
    """The requirement that installs the budgetsite whose code is `package`, and
    where it came from, in words. pip records where it installed a distribution
    from in direct_url.json (a git commit, a file or a folder); none means a
    package index, which serves the version. Code that no installed distribution
    holds runs from a checkout: its git commit when the checkout has a remote to
    fetch it from, else its folder."""
    installed = _installed(package)
    if installed is None:
        return _from_folder(package.parent, "a checkout")
    version, direct = installed
    url = direct.get("url", "")
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return (f"budgetsite @ git+{url}@{vcs['commit_id']}",
                [f"It was installed from the git repository {url}."])
    if isinstance(direct.get("archive_info"), dict) and url:
        if url.startswith("file:"):
            return f"budgetsite @ {url}", [f"It was installed from {_local_path(url)}.",
                                           *_wrapped(LOCAL_ONLY)]
        return f"budgetsite @ {url}{_hash(direct['archive_info'])}", [
            f"It was installed from {url}."]
    if isinstance(direct.get("dir_info"), dict) and url.startswith("file:"):
        return _from_folder(Path(_local_path(url)), "the folder")
    return f"budgetsite=={version}", [f"It was installed from a package index "
                                      f"(version {version})."]


def _installed(package: Path) -> tuple[str, dict] | None:
    """The version and direct_url.json of the installed distribution whose code is
    `package`, or None: not installed, or another copy is (this one runs from a
    checkout on the import path)."""
    try:
        dist = metadata.distribution("budgetsite")
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None
    if not isinstance(direct, dict):
        direct = {}
    found = getattr(dist, "_path", None)
    if found is not None and Path(found).suffix == ".egg-info" and \
            Path(found).resolve().parent == package.parent:
        # The budgetsite.egg-info an editable install leaves in the checkout itself: the
        # code runs from that checkout, which is what to pin.
        return None
    info = direct.get("dir_info")
    if isinstance(info, dict) and info.get("editable"):
        holds = Path(_local_path(direct.get("url", ""))).resolve() == package.parent
    else:
        holds = Path(dist.locate_file("builder/__init__.py")).resolve() == \
            package / "__init__.py"
    return (dist.version, direct) if holds else None


def _from_folder(folder: Path, what: str) -> tuple[str, list[str]]:
    """A budgetsite installed from, or running in, a folder: the commit it has
    checked out, from the remote it was cloned from, when there is one."""
    remote, commit, changed = _git(folder)
    if remote and commit:
        notes = [f"It runs from {what} {folder}, commit {commit} of {remote}."]
        if changed:
            notes += _wrapped("That checkout has changes not committed: the commit named "
                              "here does not hold them. Commit and push them first if the "
                              "site needs them.")
        return f"budgetsite @ git+{remote}@{commit}", notes
    return (f"budgetsite @ {folder.as_uri()}",
            [f"It runs from {what} {folder}, which has no git remote to name.",
             *_wrapped(LOCAL_ONLY)])


def _git(folder: Path) -> tuple[str, str, bool]:
    """The folder's fetchable remote (as pip spells it), HEAD commit and whether it
    has uncommitted changes; empty strings when it is no git checkout of its own."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                                  text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""
    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != folder.resolve():
        return "", "", False
    return (_pip_url(git("remote", "get-url", "origin")), git("rev-parse", "HEAD"),
            bool(git("status", "--porcelain", "--untracked-files=no")))


def _pip_url(remote: str) -> str:
    """A git remote as a URL pip can fetch from another computer, or "" (a path)."""
    scp = re.fullmatch(r"([\w.-]+@[\w.-]+):(?!//)(.+)", remote)
    if scp:
        return f"ssh://{scp[1]}/{scp[2]}"
    return remote if re.match(r"(https?|ssh|git)://", remote) else ""


def _hash(archive: dict) -> str:
    """The archive's digest as pip checks it from a URL's fragment (#sha256=…)."""
    hashes = archive.get("hashes")
    if isinstance(hashes, dict) and hashes:
        name = "sha256" if "sha256" in hashes else sorted(hashes)[0]
        return f"#{name}={hashes[name]}"
    digest = archive.get("hash")
    return f"#{digest}" if isinstance(digest, str) and "=" in digest else ""


def _local_path(url: str) -> str:
    return unquote(urlparse(url).path) if url.startswith("file:") else url


def _wrapped(text: str, width: int = 76) -> list[str]:
    return textwrap.wrap(text, width)
