"""Themes: each week's free-text messages grouped beyond the taxonomy, kept from week to week;
topics leads make of them; focus areas."""
