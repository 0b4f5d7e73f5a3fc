"""The shell examples run as written: the README's quick start runs ``examples/demo.sh``,
and ``.ci/run`` fails when it does; this keeps a broken demo from reaching CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["demo.sh", "support-timeline.sh"])
def test_example_script_runs_as_written(tmp_path, script):
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is not installed")
    if script == "support-timeline.sh" and shutil.which("chromium") is None:
        pytest.skip("support-timeline.sh screenshots with Debian's chromium, which is not installed")
    env = {**os.environ, "TMPDIR": str(tmp_path), "HOME": str(tmp_path),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "RELNOTES_NO_CACHE": "1"}
    proc = subprocess.run(["sh", str(ROOT / "examples" / script)], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    if script == "demo.sh":
        assert "next version: 1.0.0" in proc.stdout
        assert "created branch release-1.0.0" in proc.stdout
        assert "stamped 1.0.0: Released 2026-11-20" in proc.stdout
