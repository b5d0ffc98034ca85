"""CI's guard: with STORYSCOPE_REQUIRE_SHARED=1 a floor that cannot find ../shared fails, not skips."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _run(tmp_path: Path, require: bool) -> subprocess.CompletedProcess:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_floor.py").write_text(
        "from conftest import shared_path\n\ndef test_floor():\n    shared_path('no-such-dataset')\n")
    env = {**os.environ, "STORYSCOPE_REQUIRE_SHARED": "1" if require else "0"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)


def test_missing_shared_skips_for_a_user_and_fails_in_ci(tmp_path):
    user = _run(tmp_path, require=False)
    assert user.returncode == 0 and "1 skipped" in user.stdout
    ci = _run(tmp_path, require=True)
    assert ci.returncode != 0 and "STORYSCOPE_REQUIRE_SHARED=1 but ../shared not found" in ci.stdout
