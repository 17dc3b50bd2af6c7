"""The first start prepares the model in a child process: the serving process never loads torch,
so it stays at its documented size instead of holding the ~1.2 GB the preparation needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.cli import ROOT

LOAD = """
import sys
from pathlib import Path
from models.classifier import load_classifier
model = load_classifier(topics_file=Path("config/topics.yaml"), cache_dir=Path(sys.argv[1]),
                        engine="onnx")
[verdict] = model.classify_now(["The wifi on level 3 keeps dropping"])
# VmHWM is this process image's own peak; ru_maxrss would carry over the peak of the pytest
# process it was forked from (Linux keeps it across exec), which depends on earlier tests
status = Path("/proc/self/status").read_text()
peak_mb = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM"))) // 1024
print(model.version, "torch" in sys.modules, peak_mb, verdict.sentiment)
"""


def test_a_cold_cache_is_prepared_in_a_child_and_torch_never_loads_here(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    version, torch_loaded, peak_mb, sentiment = done.stdout.split()
    assert version.endswith("/onnx-int8") and torch_loaded == "False"
    assert int(peak_mb) < 500  # the preparation's ~1.2 GB was the child's, not this process's
    assert sentiment in {"negative", "neutral", "positive", "unsure"}
    assert [p.suffix for p in cache.glob("classifier-*")] == [".onnx"]
