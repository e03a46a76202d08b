"""What a newcomer meets first (issue 24, point 10): `.ci/run` installs Debian packages
through sudo when not run as root, and the virtual environment the README makes is
ignored by git, here and in a site `init` writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_budgetsite

FAKE = {
    # Whoever the test says the user is.
    "id": '#!/bin/sh\necho "$FAKE_UID"\n',
    # Logs the command it was asked to run as root, then runs it.
    "sudo": '#!/bin/sh\necho "sudo $*" >> "$FAKE_LOG"\nexec "$@"\n',
    "apt-get": '#!/bin/sh\necho "apt-get $*" >> "$FAKE_LOG"\n',
    # Stops the script once the packages are installed: pip is not under test.
    "python3": "#!/bin/sh\nexit 3\n",
}


def run_ci(tmp_path: Path, uid: str) -> list[str]:
    """.ci/run on a machine without chromium, git or java; what it asked apt-get."""
    bin_dir = tmp_path / f"bin-{uid}"
    bin_dir.mkdir()
    for name, script in FAKE.items():
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    for tool in ("dirname", "env", "mktemp", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    log = tmp_path / f"log-{uid}"
    log.touch()
    result = subprocess.run(["/bin/bash", str(REPO / ".ci/run")], capture_output=True,
                            text=True, timeout=60,
                            env={"PATH": str(bin_dir), "FAKE_UID": uid, "FAKE_LOG": str(log)})
    assert result.returncode == 3, result.stdout + result.stderr  # stopped at pip
    return log.read_text().splitlines()


@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash")
def test_ci_installs_through_sudo_when_not_root(tmp_path):
    packages = "chromium nodejs git default-jre-headless"
    assert run_ci(tmp_path, "1000") == [
        "sudo apt-get update -qq", "apt-get update -qq",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {packages}",
        f"apt-get install -y -qq {packages}"]
    assert run_ci(tmp_path, "0") == ["apt-get update -qq", f"apt-get install -y -qq {packages}"]


def test_the_virtual_environment_is_ignored_here_and_in_a_new_site(tmp_path):
    assert ".venv/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
    result = run_budgetsite("init", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    ignored = (tmp_path / "site" / ".gitignore").read_text(encoding="utf-8").split()
    assert {"public/", ".cache/", ".venv/"} <= set(ignored)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in readme
    # and how long the whole suite takes, so that nobody stops it thinking it hung
    assert re.search(r"takes about \d+(–\d+)? minutes on a two-core machine", readme)
