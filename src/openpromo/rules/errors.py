"""Compile-time errors of the rules package.

Rules are checked when a promotion is saved, and the author fixes them in a form, so the
compiler never stops at the first problem: it collects every issue with the JSON path of
the offending field and raises them together. ``RuleIssue`` has the same ``loc``/``msg``/
``type`` triple as the API's ``errors`` entries, so the API maps it one to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class RuleIssue:
    """One problem in submitted rules.

    ``type`` is a stable machine code: ``missing``, ``unknown_field``, ``invalid_type``,
    ``invalid_condition``, ``unknown_property``, ``invalid_operator``, ``invalid_value``,
    ``invalid_formula``, ``unknown_reward_type``, ``duplicate_reward_type``,
    ``duplicate_id``, ``invalid_id``, ``too_many``.
    """

    loc: Loc
    msg: str
    type: str


class RuleError(Exception):
    """Raised by the compilers, carrying every issue found (never an empty list)."""

    def __init__(self, issues: list[RuleIssue]) -> None:
        self.issues = issues
        first = issues[0] if issues else None
        summary = f"{first.msg} at {list(first.loc)}" if first else "invalid rules"
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(summary + more)


@dataclass(slots=True)
class IssueList:
    """Accumulates issues while a compiler walks a document."""

    items: list[RuleIssue] = field(default_factory=list)

    def add(self, loc: Loc, msg: str, type_: str) -> None:
        self.items.append(RuleIssue(loc=loc, msg=msg, type=type_))

    def raise_if_any(self) -> None:
        if self.items:
            raise RuleError(list(self.items))

    def __len__(self) -> int:
        return len(self.items)
