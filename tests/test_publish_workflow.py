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
    command = f"{sys.executable} -m budgetsite"
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
