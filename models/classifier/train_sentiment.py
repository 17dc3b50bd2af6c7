"""Fine-tune the sentiment adapter (LoRA on the upper blocks + head) on TweetEval train; select
on validation.

The lower ``shared`` blocks are the untouched encoder's and stay frozen, so their output is
computed once per tweet before training (fp16, kept in memory) and every step runs only the
upper blocks forward and backward.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn
from transformers import PreTrainedModel

from models.classifier.bias import choose_bias
from models.classifier.distil import Objective
from models.classifier.encoder import encoder_path, load_encoder, load_tokenizer
from models.classifier.metrics import scores
from models.classifier.sentiment_net import (
    SentimentNet,
    adapted_net,
    adapter_state,
    adapter_tensors,
    blocks_of,
    save_adapter,
    trainable_net,
)
from models.classifier.tweeteval import load_split

Log = Callable[[str], None]
States = list[torch.Tensor]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Everything that decides a training run; stored in the adapter metadata."""

    data_dir: Path
    out_dir: Path
    device: str = "cpu"
    epochs: int = 3
    seed: int = 13
    batch_size: int = 32
    lr: float = 1e-3
    rank: int = 16
    alpha: float = 32.0
    max_length: int = 64
    warmup: float = 0.06
    min_accuracy: float = 0.72
    max_steps: int = 0
    threads: int = 0
    checkpoint_dir: Path | None = None
    shared_blocks: int = 4
    train_limit: int = 0
    init_from: Path | None = None
    distil_from: Path | None = None


def train_sentiment(cfg: TrainConfig, log: Log = print) -> dict[str, Any]:
    """Train, keep the best epoch on validation, write the adapter; return its metadata."""
    torch.manual_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    enc_dir = encoder_path()
    tokenizer = load_tokenizer(enc_dir)
    encoder = load_encoder(enc_dir)
    nn.Module.to(encoder, cfg.device)
    net = trainable_net(encoder, cfg.shared_blocks, cfg.rank, cfg.alpha).to(cfg.device)
    texts, train_y = _subset(*load_split(cfg.data_dir, "train"), cfg)
    if cfg.init_from is not None:
        warm_start(net, cfg.init_from, cfg.shared_blocks)
        log(f"started from the adapter in {cfg.init_from} (its blocks {cfg.shared_blocks}-5)")
    train_ids = _encode(tokenizer, texts, cfg.max_length)
    teacher = None
    if cfg.distil_from is not None:
        teacher = _teacher_logits(encoder, cfg.distil_from, train_ids, cfg, log)
        log(f"teacher {cfg.distil_from} labelled {len(train_ids)} tweets")
    train_h = lower_states(encoder, train_ids, cfg, log)
    texts, val_y = load_split(cfg.data_dir, "val")
    val_h = lower_states(encoder, _encode(tokenizer, texts, cfg.max_length), cfg, log)
    del encoder
    best = _fit(net, cfg, (train_h, train_y), (val_h, val_y), log, teacher)
    meta = _metadata(cfg, best)
    save_adapter(best["state"], meta, cfg.out_dir)
    log(f"wrote {cfg.out_dir}: epoch {meta['epoch']} {meta['validation']}")
    return meta


def _teacher_logits(
    encoder: PreTrainedModel, teacher_dir: Path, ids: list[list[int]], cfg: TrainConfig, log: Log
) -> NDArray[np.float32]:
    """The teacher adapter's logits for every training text, in order (its own shared blocks,
    whichever layout it is)."""
    teacher = adapted_net(encoder, teacher_dir)
    states = lower_states(encoder, ids, replace(cfg, shared_blocks=teacher.shared), log)
    return predict_logits(teacher, states, cfg.device)


def _subset(
    texts: list[str], labels: NDArray[np.int64], cfg: TrainConfig
) -> tuple[list[str], NDArray[np.int64]]:
    """A seeded random subset of train_limit tweets (all of them with 0)."""
    if not cfg.train_limit or cfg.train_limit >= len(texts):
        return texts, labels
    pick = np.sort(np.random.default_rng(cfg.seed).permutation(len(texts))[: cfg.train_limit])
    return [texts[i] for i in pick], labels[pick]


def warm_start(net: SentimentNet, adapter_dir: Path, shared: int) -> None:
    """Start from an earlier adapter: one of this layout as it is, or one of the first layout
    (LoRA on all six blocks) by its upper blocks' updates and its head, so a short run starts
    close. An adapter that shares a different number of blocks is refused."""
    net.load_state_dict(adapter_tensors(adapter_dir, shared), strict=False)


def _encode(tokenizer: Any, texts: list[str], max_length: int) -> list[list[int]]:
    """Token ids without padding, truncated to max_length."""
    ids: list[list[int]] = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    return ids


@torch.no_grad()
def lower_states(
    encoder: PreTrainedModel, ids: list[list[int]], cfg: TrainConfig, log: Log, batch: int = 128
) -> list[torch.Tensor]:
    """Per text, the untouched encoder's hidden state after the shared blocks (fp16, unpadded)."""
    encoder.train(False)
    blocks = blocks_of(encoder)
    stack = encoder.get_submodule("encoder")
    stack.layer = nn.ModuleList(blocks[: cfg.shared_blocks])  # the upper ones are not needed
    try:
        return _lower_states(encoder, ids, cfg, log, batch)
    finally:
        stack.layer = blocks


def _lower_states(
    encoder: PreTrainedModel, ids: list[list[int]], cfg: TrainConfig, log: Log, batch: int
) -> list[torch.Tensor]:
    """lower_states on an encoder cut to the shared blocks."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    states: list[torch.Tensor] = [torch.empty(0)] * len(ids)
    started = time.monotonic()
    for start in range(0, len(order), batch):
        pick = order[start : start + batch]
        input_ids, mask = collate_ids(ids, pick, cfg.device)
        out = encoder(input_ids=input_ids, attention_mask=mask)
        hidden = out.last_hidden_state.half().cpu()
        for row, i in enumerate(pick):
            states[i] = hidden[row, : len(ids[i])].clone()
    log(f"lower blocks for {len(ids)} texts in {time.monotonic() - started:.0f}s")
    return states


def _fit(
    net: SentimentNet,
    cfg: TrainConfig,
    train: tuple[States, NDArray[np.int64]],
    val: tuple[States, NDArray[np.int64]],
    log: Log,
    teacher: NDArray[np.float32] | None = None,
) -> dict[str, Any]:
    """The epoch loop; returns the best epoch's state, figures and bias."""
    rng = np.random.default_rng(cfg.seed)
    steps_per_epoch = -(-len(train[0]) // cfg.batch_size)
    total = cfg.max_steps or steps_per_epoch * cfg.epochs
    optimiser, schedule = _optimiser(net, cfg, total)
    loss_fn = Objective(_class_weights(train[1]).to(cfg.device), teacher)
    best: dict[str, Any] = {"score": -1.0}
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        step = _epoch(
            net,
            cfg,
            train,
            _batches(train[0], cfg.batch_size, rng),
            (optimiser, schedule, loss_fn),
            step,
            total,
            log,
        )
        best = _select(net, cfg, val, epoch, best, log)
        if cfg.max_steps and step >= cfg.max_steps:
            break
    return best


def _optimiser(
    net: SentimentNet, cfg: TrainConfig, total: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW on the trainable tensors with linear warm-up and linear decay."""
    params = [p for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    warm = max(1, int(total * cfg.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    return optimiser, schedule


def _class_weights(labels: NDArray[np.int64]) -> torch.Tensor:
    """Inverse square-root class frequencies, mean 1: a push toward macro-recall."""
    counts = np.bincount(labels, minlength=3).astype(np.float64)
    weights = 1.0 / np.sqrt(counts)
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def _batches(ids: States, size: int, rng: np.random.Generator) -> list[NDArray[np.int64]]:
    """Shuffled batches of similar length: sort within chunks of 50 batches, shuffle batches."""
    order = rng.permutation(len(ids))
    lengths = np.array([len(x) for x in ids])
    chunks = [order[i : i + size * 50] for i in range(0, len(order), size * 50)]
    batches: list[NDArray[np.int64]] = []
    for chunk in chunks:
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    return [batches[i] for i in rng.permutation(len(batches))]


def collate_ids(
    ids: list[list[int]], pick: Sequence[int], device: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad the chosen sequences to the batch's longest; ids and attention mask."""
    rows = [ids[i] for i in pick]
    width = max(len(r) for r in rows)
    input_ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return input_ids.to(device), mask.to(device)


def collate(
    states: list[torch.Tensor], pick: NDArray[np.int64] | range, device: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad the chosen hidden states to the batch's longest (fp32); states and attention mask."""
    rows = [states[i] for i in pick]
    width = max(len(r) for r in rows)
    hidden = torch.zeros((len(rows), width, rows[0].shape[1]), dtype=torch.float32)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        hidden[i, : len(row)] = row.float()
        mask[i, : len(row)] = 1
    return hidden.to(device), mask.to(device)


def _epoch(
    net: SentimentNet,
    cfg: TrainConfig,
    train: tuple[States, NDArray[np.int64]],
    batches: list[NDArray[np.int64]],
    tools: tuple[Any, Any, Objective],
    step: int,
    total: int,
    log: Log,
) -> int:
    """One pass over the batches; logs loss and pace; returns the global step."""
    optimiser, schedule, loss_fn = tools
    net.train()
    started, running = time.monotonic(), 0.0
    for n, pick in enumerate(batches, start=1):
        input_ids, mask = collate(train[0], pick, cfg.device)
        logits = net(input_ids, mask)
        loss = loss_fn(logits, torch.from_numpy(train[1][pick]).to(cfg.device), pick)
        torch.autograd.backward(loss)
        optimiser.step(), schedule.step(), optimiser.zero_grad()
        running, step = running + loss.item(), step + 1
        if n % 50 == 0:
            pace = (time.monotonic() - started) / n
            eta = pace * (len(batches) - n) / 60
            log(f"step {step}/{total} loss {running / 50:.4f} {pace:.3f}s/step eta {eta:.1f}min")
            running = 0.0
        if cfg.max_steps and step >= cfg.max_steps:
            break
    return step


@torch.no_grad()
def predict_logits(
    net: SentimentNet, ids: States, device: str, batch: int = 128
) -> NDArray[np.float32]:
    """Sentiment logits for every sequence, in order."""
    net.eval()
    out = [
        net(*collate(ids, range(i, min(i + batch, len(ids))), device)).float().cpu().numpy()
        for i in range(0, len(ids), batch)
    ]
    return np.concatenate(out)


def _select(
    net: SentimentNet,
    cfg: TrainConfig,
    val: tuple[States, NDArray[np.int64]],
    epoch: int,
    best: dict[str, Any],
    log: Log,
) -> dict[str, Any]:
    """Score this epoch on validation (raw and bias-corrected); keep it if it is the best."""
    logits = predict_logits(net, val[0], cfg.device)
    raw = scores(np.argmax(logits, axis=1), val[1], 3)
    bias, corrected = choose_bias(logits, val[1], cfg.min_accuracy)
    log(f"epoch {epoch} raw {raw} bias {bias} corrected {corrected}")
    state = {k: v.cpu() for k, v in adapter_state(net).items()}
    current = {
        "score": corrected["macro_recall"],
        "state": state,
        "epoch": epoch,
        "raw": raw,
        "bias": bias,
        "corrected": corrected,
    }
    if cfg.checkpoint_dir is not None:
        save_adapter(state, _metadata(cfg, current), cfg.checkpoint_dir / f"epoch{epoch}")
    return current if current["score"] > best["score"] else best


def _metadata(cfg: TrainConfig, best: dict[str, Any]) -> dict[str, Any]:
    """What the runtime and the model card need to know about the chosen weights."""
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()}
    return {
        "labels": ["negative", "neutral", "positive"],
        "shared_blocks": cfg.shared_blocks,
        "rank": cfg.rank,
        "alpha": cfg.alpha,
        "max_length": cfg.max_length,
        "logit_bias": best["bias"],
        "epoch": best["epoch"],
        "validation_raw": best["raw"],
        "validation": best["corrected"],
        "config": settings,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
