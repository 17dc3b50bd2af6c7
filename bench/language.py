"""Language identification on short library messages: accuracy overall, on short English
(taking English for another language is the costly error: the message would lose its labels),
on Welsh and the rest, with milliseconds per message and the memory the detector adds.

The set (bench/data/language_eval.jsonl) is short, realistic messages written for this check:
English ones that naive detectors get wrong ("thanks!", "wifi down again"), Welsh, and the
languages a UK library hears; 'und' rows have no letters. Each is judged as the pipeline sees a
first message from a stranger (no known language to fall back on).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

SET = Path(__file__).resolve().parent / "data" / "language_eval.jsonl"
TOPICS_EVAL = Path(__file__).resolve().parent.parent / "models/classifier/eval/topics_eval.jsonl"


def rss_mib() -> float:
    """This process's resident memory, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    before = rss_mib()
    import pycld2

    from models.language import language_of

    language_of("warm up", None)
    added = rss_mib() - before
    start, reps = time.perf_counter(), 20
    for _ in range(reps):
        found = [language_of(r["text"], None)[0] for r in rows]
    per_message_ms = (time.perf_counter() - start) * 1000 / (reps * len(rows))
    right: dict[str, list[bool]] = defaultdict(list)
    for row, code in zip(rows, found, strict=True):
        right[row["language"]].append(code == row["language"])
    english = [json.loads(line)["text"] for line in TOPICS_EVAL.read_text().splitlines()]
    not_english = [t for t in english if language_of(t, None)[0] not in ("en", "und")]
    others = [ok for lang, oks in right.items() if lang not in ("en", "cy", "und") for ok in oks]
    every = [ok for oks in right.values() for ok in oks]
    print(f"language id (pycld2 {pycld2.__version__}): {len(rows)} short messages")
    print(f"  accuracy          {sum(every) / len(every):.3f} ({sum(every)}/{len(every)})")
    print(
        f"  short English     {_share(right['en'])}  (taken for another language: the costly error)"
    )
    print(f"  Welsh             {_share(right['cy'])}")
    print(f"  other languages   {_share(others)}")
    print(f"  no letters (und)  {_share(right['und'])}")
    print(
        f"  topics eval (English library messages) taken for another language: "
        f"{len(not_english)}/{len(english)}"
    )
    wrapped = marked_up()
    lost = [t for t in wrapped if language_of(t, None)[0] != "en"]
    print(f"  short English in chat markup taken for another language: {len(lost)}/{len(wrapped)}")
    print(f"  {per_message_ms:.3f} ms per message, +{added:.1f} MiB resident")
    wrong = [
        (r["language"], c, r["text"])
        for r, c in zip(rows, found, strict=True)
        if c != r["language"]
    ]
    for want, got, text in wrong:
        print(f"    {want} -> {got}: {text}")


SHORT = ["printer jammed", "no seats", "wifi down again", "help pls", "thanks", "lockers full"]
BEFORE = ["<@U04JKL7HRZ>", "@UniLibHelp @SUnion", "#libfail #uni", "<#C0HRV7KJ|knjiznica>"]
AFTER = [":rage: :rage:", ":sob: :sob: :sob:", "#studentlife #uni", "`lpq -a`", "<b>urgent</b>"]


def marked_up() -> list[str]:
    """Short English wrapped in chat markup (Slack ids and channels, tags, shortcodes, code,
    HTML): every combination, 120 messages."""
    return [f"{b} {text} {a}" for text in SHORT for b in BEFORE for a in AFTER]


def _share(oks: list[bool]) -> str:
    return f"{sum(oks) / len(oks):.3f} ({sum(oks)}/{len(oks)})" if oks else "-"


if __name__ == "__main__":
    main()
