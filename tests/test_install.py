"""A regular install, as a new user makes it: the wheel built from the checkout,
installed into a fresh virtual environment, then `budgetsite init` and `budgetsite
build` in folders outside the checkout. The templates, static files, UI strings and
the new site's skeleton must all come from the wheel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

from builder.tools import init

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"]
PACKAGE_DATA = "lib/python{}.{}/site-packages/builder".format(*sys.version_info[:2])


def run(args: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a program of the installed environment, never the checkout's code: no
    PYTHONPATH, and a working folder outside the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh environment with the wheel installed (its dependencies from the system's
    site-packages, so that no network is needed). Built from a copy of the sources, so
    that no build/ folder from an earlier run can slip stale files into the wheel."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "site_templates", source / "site_templates")
    shutil.copytree(REPO / "builder", source / "builder",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
            "-q", "-w", base / "dist", source], cwd=base))
    [wheel] = (base / "dist").glob("budgetsite-*.whl")
    ok(run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
            base / "venv"], cwd=base))
    ok(run([base / "venv/bin/python", "-m", "pip", "install", "-q", "--no-deps",
            "--no-index", wheel], cwd=base))
    return base / "venv"


@pytest.fixture(scope="module")
def content_only(venv, tmp_path_factory) -> Path:
    """A folder holding only a copy of the real content/, built by the installed command."""
    root = tmp_path_factory.mktemp("content-only")
    shutil.copytree(REPO / "content", root / "content")
    ok(run([venv / "bin/budgetsite", "build", "--no-search"], cwd=root))
    return root


def test_the_package_is_the_wheels(venv, tmp_path):
    where = ok(run([venv / "bin/python", "-c", "import builder; print(builder.__file__)"],
                   cwd=tmp_path)).strip()
    assert Path(where).is_relative_to(venv), where
    assert not Path(where).is_relative_to(REPO)


def test_version(venv, tmp_path):
    assert ok(run([venv / "bin/budgetsite", "--version"], cwd=tmp_path)).strip() == \
        f"budgetsite {VERSION}"
    assert ok(run([venv / "bin/python", "-m", "builder", "--version"],
                  cwd=tmp_path)).strip() == f"budgetsite {VERSION}"


def test_a_folder_with_only_content_builds(venv, content_only):
    """Every page, with the Chinese UI strings, the static files and the templates
    shipped in the wheel."""
    public = content_only / "public"
    project = "wuhua/2025/urban-rural-medical-assistance/index.html"
    zh = (public / "zh" / project).read_text(encoding="utf-8")
    en = (public / "en" / project).read_text(encoding="utf-8")
    assert "跳到正文" in zh and "Skip to main content" not in zh  # locale/zh.po
    assert "Skip to main content" in en
    for name in ("404.html", "zh/index.html", "en/index.html", "zh/search/index.html"):
        assert (public / name).is_file(), name
    shipped = venv / PACKAGE_DATA / "site_templates" / "static"
    assert sorted(p.name for p in (public / "static").iterdir()) >= \
        sorted(p.name for p in shipped.iterdir())
    assert (public / "static/style.css").read_bytes() == (shipped / "style.css").read_bytes()
    # search.js's own modules, in a folder of their own, ship too
    for module in ("search/keys.js", "search/engine.js", "csv.js"):
        assert (public / "static" / module).read_bytes() == \
            (REPO / "site_templates" / "static" / module).read_bytes(), module


def test_site_templates_override_one_template(venv, content_only, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(content_only / "content", root / "content")
    home = (venv / PACKAGE_DATA / "site_templates" / "pages" / "home.html").read_text(encoding="utf-8")
    (root / "site_templates/pages").mkdir(parents=True)
    (root / "site_templates/pages/home.html").write_text(
        home.replace('<div class="intro">', '<div class="intro"><p>OUR-OWN-HOME</p>', 1),
        encoding="utf-8")
    ok(run([venv / "bin/budgetsite", "build", "--no-search"], cwd=root))
    assert "OUR-OWN-HOME" in (root / "public/zh/index.html").read_text(encoding="utf-8")
    about = (root / "public/zh/about/index.html").read_text(encoding="utf-8")
    assert "OUR-OWN-HOME" not in about
    assert about == (content_only / "public/zh/about/index.html").read_text(encoding="utf-8")


def test_init_then_build(venv, tmp_path):
    """The new site builds as written (no project yet, search included), and its
    workflow is budgetsite's own."""
    out = ok(run([venv / "bin/budgetsite", "init", "site"], cwd=tmp_path))
    site = tmp_path / "site"
    for name in init.FILES:
        assert name in out and (site / name).is_file(), name
    assert (site / ".github/workflows/publish.yml").read_bytes() == \
        (REPO / ".github/workflows/publish.yml").read_bytes()
    # Pinned to what installed it (the wheel file here: no index serves budgetsite), and
    # pip can install what it names.
    [wheel] = (venv.parent / "dist").glob("budgetsite-*.whl")
    requirements = (site / "requirements.txt").read_text(encoding="utf-8")
    assert f"\nbudgetsite @ {wheel.as_uri()}\n" in requirements
    assert f"budgetsite=={VERSION}" not in requirements
    would = ok(run([venv / "bin/python", "-m", "pip", "install", "--dry-run", "--no-deps",
                    "--ignore-installed", "--no-index", "-r", "requirements.txt"], cwd=site))
    assert f"Would install budgetsite-{VERSION}" in would
    assert ".cache/" in (site / ".gitignore").read_text(encoding="utf-8").split()
    ok(run([venv / "bin/budgetsite", "check"], cwd=site))
    ok(run([venv / "bin/budgetsite", "build", "--root", "site"], cwd=tmp_path))
    home = (site / "public/zh/index.html").read_text(encoding="utf-8")
    assert "【某市】区级预算项目公开" in home and "跳到正文" in home
    assert (site / "public/zh/example/index.html").is_file()  # the example district
    assert (site / "public/static/style.css").is_file()


def test_init_overwrites_nothing(venv, tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content/site.yaml").write_text("title: ours\n", encoding="utf-8")
    result = run([venv / "bin/budgetsite", "init", site], cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/site.yaml" in result.stderr and "overwrites nothing" in result.stderr
    assert (site / "content/site.yaml").read_text(encoding="utf-8") == "title: ours\n"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == \
        ["content", "content/site.yaml"]


def test_readme_commands_exist():
    """Every `budgetsite COMMAND` the README shows is a command the program has."""
    from builder import cli
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\bbudgetsite ([a-z]+)\b", "\n".join(
        re.findall(r"```sh\n(.*?)```", readme, flags=re.S))))
    shown |= set(re.findall(r"`budgetsite ([a-z]+)\b", readme))
    commands = cli._parser()._subparsers._group_actions[0].choices
    assert {"init", "build", "serve"} <= shown
    assert shown <= set(commands), shown - set(commands)


def test_a_site_template_extends_the_default_and_overrides_one_block(venv, content_only,
                                                                      tmp_path):
    """A site's pages/home.html that extends the shipped default ("default/…") and
    replaces only its title block; a site's locale/zh.po naming one message: that
    message changes, every other Chinese UI string stays the default's."""
    root = tmp_path / "site"
    shutil.copytree(content_only / "content", root / "content")
    (root / "site_templates/pages").mkdir(parents=True)
    (root / "site_templates/pages/home.html").write_text(
        '{% extends "default/pages/home.html" %}\n'
        '{% block title %}OUR-BLOCK {{ super() }}{% endblock %}\n', encoding="utf-8")
    (root / "site_templates/locale").mkdir()
    (root / "site_templates/locale/zh.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Skip to main content"\nmsgstr "跳到本页正文"\n', encoding="utf-8")
    ok(run([venv / "bin/budgetsite", "build", "--no-search"], cwd=root))
    home = (root / "public/zh/index.html").read_text(encoding="utf-8")
    default_home = (content_only / "public/zh/index.html").read_text(encoding="utf-8")
    assert "<title>OUR-BLOCK " in home
    # Everything but the title and the one message is the default page.
    assert home.replace("OUR-BLOCK ", "").replace("跳到本页正文", "跳到正文") == default_home
    about = (root / "public/zh/about/index.html").read_text(encoding="utf-8")
    assert "跳到本页正文" in about and "跳到正文" not in about
    assert "菜单" in about  # a message the site's catalogue does not name: still Chinese


def test_a_site_locale_folder_without_zh_po_keeps_the_chinese_ui(venv, content_only,
                                                                  tmp_path):
    root = tmp_path / "site"
    shutil.copytree(content_only / "content", root / "content")
    (root / "site_templates/locale").mkdir(parents=True)
    (root / "site_templates/locale/README.txt").write_text("ours\n", encoding="utf-8")
    ok(run([venv / "bin/budgetsite", "build", "--no-search"], cwd=root))
    assert (root / "public/zh/about/index.html").read_bytes() == \
        (content_only / "public/zh/about/index.html").read_bytes()


def test_init_shards_then_build_in_shards(venv, tmp_path):
    """The wheel ships the sharded workflow; the new site built in two shards and
    merged is its whole build."""
    ok(run([venv / "bin/budgetsite", "init", "site", "--shards", "2"], cwd=tmp_path))
    site = tmp_path / "site"
    flow = (site / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert "budgetsite merge shards/shard-* --out public" in flow
    assert "shard: [1, 2]" in flow
    ok(run([venv / "bin/budgetsite", "build", "--out", "whole"], cwd=site))
    ok(run([venv / "bin/budgetsite", "build", "--shards", "2", "--out", "merged"], cwd=site))
    whole, merged = ({p.relative_to(site / name).as_posix(): p.read_bytes()
                      for p in (site / name).rglob("*") if p.is_file()}
                     for name in ("whole", "merged"))
    assert whole == merged
