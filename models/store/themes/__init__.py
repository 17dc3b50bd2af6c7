"""Themes: each week's free-text messages grouped by their stored embeddings, with an identity
that carries from week to week, and the topics leads made of them."""
