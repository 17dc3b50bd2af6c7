"""Reaching out: targeted sends to an audience, the contact cap, the panel, "we miss you"."""
