"""Build the ONNX model locally: the encoder with the shipped adapter, export, fuse, quantize."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.classifier.sentiment_net import ServingNet

log = logging.getLogger(__name__)
OPSET = 17


def ensure_onnx(encoder_dir: Path, weights_dir: Path, cache_dir: Path, tag: str) -> Path:
    """Path of the int8 ONNX model for this encoder + adapter, building it if it is missing."""
    target = onnx_path(cache_dir, tag)
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp32, fused = target.with_suffix(".fp32.tmp"), target.with_suffix(".fused.tmp")
    log.info("building %s from the encoder and the shipped adapter", target.name)
    try:
        _export_merged(encoder_dir, weights_dir, fp32)
        fuse(fp32, fused)
        quantize(fused, target)
    finally:
        fp32.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)
    drop_old_layout(cache_dir)
    return target


OLD_LAYOUTS = (
    "sentiment-*-int8.onnx",  # one encoder
    "classifier-*-dual?-int8.onnx",  # two full stacks
    "classifier-*-shared-int8.onnx",  # the shared pass with fused skip-layer-norms
)


def drop_old_layout(cache_dir: Path) -> None:
    """Remove models of older layouts (OLD_LAYOUTS): no code reads them."""
    for pattern in OLD_LAYOUTS:
        for old in cache_dir.glob(pattern):
            log.info("removing %s (an older layout)", old.name)
            old.unlink(missing_ok=True)


def onnx_path(cache_dir: Path, tag: str) -> Path:
    """Where the int8 model for this encoder + adapter tag is kept."""
    return cache_dir / f"classifier-{tag}-int8.onnx"


def _export_merged(encoder_dir: Path, weights_dir: Path, path: Path) -> None:
    """The untouched encoder with the adapted upper blocks beside it, exported as one graph."""
    from models.classifier.sentiment_net import serving_net

    export(serving_net(encoder_dir, weights_dir), path)


def export(net: ServingNet, path: Path) -> None:
    """Trace the network to ONNX with dynamic batch and sequence axes (atomic write)."""
    import torch

    net.encoder.config._attn_implementation = "eager"
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}}
    partial = path.with_suffix(".partial")
    torch.onnx.export(
        net,
        (ids, mask),
        str(partial),
        dynamo=False,
        opset_version=OPSET,
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding", "logits"],
        dynamic_axes={**axes, "embedding": {0: "batch"}, "logits": {0: "batch"}},
    )
    os.replace(partial, path)


UNFUSED = ("SkipLayerNormFusion",)
"""ONNX Runtime graph optimizers the serving session must not run (see fuse)."""


def fuse(source: Path, target: Path) -> None:
    """ONNX Runtime's BERT fusions (attention, embedding layer norm, bias-GELU), atomic write.

    Residual adds and their layer norms stay apart (Add, then LayerNormalization), and the
    session is told not to fuse them either (UNFUSED): ONNX Runtime 1.31's CPU kernel for the
    fused SkipLayerNormalization took 27 % of a run's kernel time, as long as all the int8
    matrix multiplies together, where Add plus LayerNormalization take about 10 %; the same
    model runs about a fifth faster unfused (MODEL_CARD.md, Speed)."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    partial = target.with_suffix(".partial")
    optimize_model(
        str(source),
        model_type="bert",
        num_heads=12,
        hidden_size=384,
        opt_level=1,
        optimization_options=options,
    ).save_model_to_file(str(partial))
    os.replace(partial, target)


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the matrix multiplies, per output channel (atomic write)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(".partial")
    quantize_dynamic(
        str(source),
        str(partial),
        per_channel=True,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    os.replace(partial, target)
