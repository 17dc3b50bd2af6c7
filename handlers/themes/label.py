"""A theme's label from its own words: the n-grams most distinctive of its messages against the
week's other themes (class-based TF-IDF over scikit-learn's CountVectorizer), scrubbed of
personal identifiers first. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from handlers.digest.scrub import scrub

PLACEHOLDER = re.compile(r"\[[a-z ]+\]")  # what scrub() leaves: not a word of the theme
TERMS = 3
MAX_LABEL = 120


def clean(text: str) -> str:
    """The text as labels read it: identifiers scrubbed and their placeholders dropped."""
    return PLACEHOLDER.sub(" ", scrub(text))


def labels(groups: Sequence[Sequence[str]], terms: int = TERMS) -> list[str]:
    """One label per group of texts: its ``terms`` most distinctive one- and two-word phrases
    (a phrase must occur in at least two messages of the group), joined by " · "."""
    docs = [" ".join(clean(t) for t in group) for group in groups]
    if not docs:
        return []
    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",  # words of two letters or more
        lowercase=True,
    )
    try:
        counts = vectorizer.fit_transform(docs).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words and numbers
        return ["(no distinctive words)"] * len(docs)
    seen = _document_frequency(groups, vectorizer)
    vocabulary = vectorizer.get_feature_names_out()
    weights = _ctfidf(counts)
    return [
        _pick(weights[row], seen[row], vocabulary, terms) or "(no distinctive words)"
        for row in range(len(docs))
    ]


def _ctfidf(counts: np.ndarray) -> np.ndarray:
    """Class-based TF-IDF: each group's term frequencies (normalised by its length) times
    log(1 + average words per group / the term's frequency over all groups)."""
    per_group = counts.sum(axis=1, keepdims=True)
    tf = counts / np.maximum(per_group, 1.0)
    average = counts.sum() / max(len(counts), 1)
    idf = np.log1p(average / np.maximum(counts.sum(axis=0), 1.0))
    weights: np.ndarray = tf * idf
    return weights


def _document_frequency(groups: Sequence[Sequence[str]], vectorizer: CountVectorizer) -> np.ndarray:
    """Per group and term: in how many of the group's messages the term occurs."""
    rows = []
    for group in groups:
        per_message = vectorizer.transform([clean(t) for t in group])
        rows.append(np.asarray((per_message > 0).sum(axis=0)).ravel())
    return np.vstack(rows)


def _pick(weights: np.ndarray, seen: np.ndarray, vocabulary: np.ndarray, terms: int) -> str:
    """The best terms, skipping one already covered by a chosen phrase (or covering one)."""
    chosen: list[str] = []
    for index in np.argsort(-weights):
        if weights[index] <= 0 or len(chosen) == terms:
            break
        if seen[index] < 2:
            continue
        term = str(vocabulary[index])
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
    return " · ".join(chosen)[:MAX_LABEL]
