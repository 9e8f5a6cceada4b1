"""Elo ratings per game: K = 32, everyone starts at 1200."""

from __future__ import annotations

START = 1200
K = 32


def expected(rating: int, other: int) -> float:
    return 1.0 / (1.0 + 10 ** ((other - rating) / 400))


def elo(a: int, b: int, score_a: float) -> tuple[int, int]:
    """New ratings of A and B after a game A scored `score_a` in (1 win, 0.5 draw, 0 loss)."""
    delta = K * (score_a - expected(a, b))
    return round(a + delta), round(b - delta)
