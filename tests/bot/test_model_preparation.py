"""The first start prepares the model in a child process: the serving process never loads torch,
so it stays at its documented size instead of holding the ~1.2 GB the preparation needs."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import onnx
import pytest

from models.classifier.backend import OnnxEngine, onnx_session, tokenizer
from models.classifier.encoder import encoder_path
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


@dataclass(frozen=True)
class Prepared:
    """A cache prepared from cold by a fresh serving process, and what that process printed."""

    cache: Path
    done: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    cache = tmp_path_factory.mktemp("prepared") / "models"
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
    )
    return Prepared(cache, done)


def test_a_cold_cache_is_prepared_in_a_child_and_torch_never_loads_here(
    prepared: Prepared,
) -> None:
    done = prepared.done
    assert done.returncode == 0, done.stderr
    version, torch_loaded, peak_mb, sentiment = done.stdout.split()
    assert version.endswith("/onnx-int8") and torch_loaded == "False"
    assert int(peak_mb) < 500  # the preparation's ~1.2 GB was the child's, not this process's
    assert sentiment in {"negative", "neutral", "positive", "unsure"}
    assert [p.suffix for p in prepared.cache.glob("classifier-*")] == [".onnx"]


def test_the_served_graph_keeps_residual_adds_and_layer_norms_apart(
    prepared: Prepared, tmp_path: Path
) -> None:
    """ONNX Runtime 1.31's fused SkipLayerNormalization CPU kernel took as long as all the int8
    matrix multiplies together: neither the built model nor the session's graph may hold it."""
    assert prepared.done.returncode == 0, prepared.done.stderr
    [built] = prepared.cache.glob("classifier-*-int8.onnx")
    onnx_session(built, 1, optimized_to=tmp_path / "optimized.onnx")
    for graph in (built, tmp_path / "optimized.onnx"):
        ops = {node.op_type for node in onnx.load(str(graph)).graph.node}
        assert "SkipLayerNormalization" not in ops, graph.name
        assert {"LayerNormalization", "QAttention"} <= ops, graph.name
    engine = OnnxEngine(built, tokenizer(encoder_path()), threads=2)
    assert engine._session.get_session_options().intra_op_num_threads == 2
