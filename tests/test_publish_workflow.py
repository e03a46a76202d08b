"""The publishing workflow for the git host's CI (.github/workflows/publish.yml)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, copy_site

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def runs(job: dict) -> list[dict]:
    return [step for step in job["steps"] if "run" in step]


def test_triggers(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]


def test_pull_requests_check_and_build_main_publishes(workflow):
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    commands = [step["run"] for step in runs(build)]
    assert any(c.startswith("budgetsite check") for c in commands)
    assert any(c.startswith("budgetsite build") for c in commands)
    assert commands.index(next(c for c in commands if c.startswith("budgetsite check"))) < \
        commands.index(next(c for c in commands if c.startswith("budgetsite build")))
    main_only = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert publish["if"] == main_only and publish["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == ["actions/deploy-pages"]
    handover = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert handover["if"] == main_only and handover["with"]["path"] == "public/"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("base_path", ["", "/budget/"])
def test_the_build_steps_run(tmp_path, workflow, base_path):
    """The workflow's own check and build commands, run as the CI shell runs them."""
    root = copy_site(tmp_path / "site")
    command = f"{sys.executable} -m builder"
    for step in runs(workflow["jobs"]["build"]):
        if not step["run"].startswith("budgetsite"):
            continue  # installing: done here already
        env = {**os.environ, "PYTHONPATH": str(REPO), "BASE_PATH": base_path,
               **{k: v for k, v in step.get("env", {}).items() if "${{" not in v}}
        script = step["run"].replace("budgetsite", command, 1) + " --no-search" * \
            step["run"].startswith("budgetsite build")
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=root, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    page = (root / "public" / "zh" / "index.html").read_text(encoding="utf-8")
    assert f'href="{base_path or "/"}static/style.css"' in page


def test_readme_documents_the_workflow():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".github/workflows/publish.yml" in readme
    assert "docs/staff-guide.md" in readme


def step(job: dict, uses: str) -> dict:
    [found] = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == uses]
    return found


def test_full_history_and_the_cache_between_runs(workflow):
    """History and feeds need every commit; the cache is restored before the build
    and saved under this commit, falling back to the newest earlier one."""
    build = workflow["jobs"]["build"]
    assert step(build, "actions/checkout")["with"]["fetch-depth"] == 0
    cache = step(build, "actions/cache")
    assert cache["with"]["path"].rstrip("/") == ".cache"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].splitlines()
    assert key.endswith("${{ github.sha }}") and restore == [key[:-len("${{ github.sha }}")]]
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in build["steps"]]
    first_build = next(i for i, s in enumerate(order) if s.startswith("budgetsite build"))
    assert order.index("actions/checkout") < order.index("actions/cache") < first_build


@pytest.mark.parametrize("repository, installs", [
    ("pyproject.toml", "install ."), ("requirements.txt", "install -r requirements.txt")])
def test_install_step_serves_budgetsite_and_a_site(tmp_path, workflow, repository, installs):
    """budgetsite's own repository installs the checkout; a site started by
    `budgetsite init` installs what its requirements.txt names."""
    [install] = [s for s in workflow["jobs"]["build"]["steps"]
                 if s.get("name") == "Install budgetsite"]
    (tmp_path / repository).write_text("", encoding="utf-8")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python3").write_text('#!/bin/sh\necho "$@" >> "$LOG"\n', encoding="utf-8")
    (shim / "python3").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}:{os.environ['PATH']}", "LOG": str(tmp_path / "log")}
    subprocess.run(["bash", "-euo", "pipefail", "-c", install["run"]], cwd=tmp_path, env=env,
                   check=True, timeout=60)
    assert (tmp_path / "log").read_text(encoding="utf-8").split("\n")[0] == \
        f"-m pip {installs}"


def test_init_writes_this_workflow():
    """One workflow: the file `budgetsite init` writes into a new site is this one."""
    from builder.tools import init
    assert (init.SKELETON / ".github/workflows/publish.yml").read_bytes() == \
        WORKFLOW.read_bytes()
