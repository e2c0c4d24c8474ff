"""Blocks of newline-terminated ASCII values: how a promocode upload travels from the parser
(which writes them) to the repository (which COPYs them as they are, or splits them)."""

from __future__ import annotations


def split_values(block: bytes) -> list[str]:
    """The values of a block (each ends with a newline)."""
    return block.decode("ascii").split("\n")[:-1] if block else []
