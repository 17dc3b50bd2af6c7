"""Poll kinds: their standard options, what counts as a low answer, and the headline score."""

from __future__ import annotations

import re

CSAT = [("1", "1 Very poor"), ("2", "2 Poor"), ("3", "3 OK"), ("4", "4 Good"), ("5", "5 Excellent")]
NPS = [(str(n), str(n)) for n in range(11)]
YES_NO = [("yes", "Yes"), ("no", "No")]
KINDS = ("csat", "nps", "yes_no", "single", "multi")


def standard_options(kind: str, labels: list[str]) -> list[tuple[str, str]]:
    """The options for a kind: fixed scales, or the given labels keyed 1..n for choices."""
    fixed = {"csat": CSAT, "nps": NPS, "yes_no": YES_NO}
    if kind in fixed:
        return list(fixed[kind])
    if kind not in KINDS:
        raise ValueError(f"unknown poll kind {kind!r}; one of {', '.join(KINDS)}")
    if not 2 <= len(labels) <= 10:
        raise ValueError("a choice poll needs 2 to 10 options")
    return [(str(i), label) for i, label in enumerate(labels, 1)]


def is_low(kind: str, keys: tuple[str, ...]) -> bool:
    """True for an answer that deserves a 'what could we do better?': CSAT ≤ 2, NPS ≤ 6, 'no'."""
    if kind == "csat":
        return any(k in {"1", "2"} for k in keys)
    if kind == "nps":
        return any(k.isdigit() and int(k) <= 6 for k in keys)
    return kind == "yes_no" and "no" in keys


def numbered_choice(text: str, options: list[tuple[str, str]], multi: bool) -> list[str]:
    """Option keys from a reply such as "@library 3" (several numbers for a multi poll)."""
    words = re.sub(r"@\w+", " ", text)
    numbers = re.findall(r"\b(\d{1,2})\b", words)
    scale = [k for k, _ in options]
    if all(k.isdigit() for k in scale):  # CSAT, NPS: the number is the answer
        keys = [n.lstrip("0") or "0" for n in numbers if (n.lstrip("0") or "0") in scale]
    else:  # choices: the number is the position in the list
        keys = [options[int(n) - 1][0] for n in numbers if 1 <= int(n) <= len(options)]
    return list(dict.fromkeys(keys if multi else keys[:1]))
