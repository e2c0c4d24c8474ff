"""Pure promotion rules: tier conditions, reward formulas and tier selection.

No I/O, no clock, no third-party imports: the API, the UI simulator and the CLI all call
the same code, and it is tested in microseconds. Rules are JSON (SPEC §3); they are
type-checked and compiled once (``compile_tiers``), then evaluated against flat contexts
``{"scope.key": typed value}`` for every customer.

The pieces:

* ``types``       — property types, reward type info, evaluation results;
* ``errors``      — ``RuleError`` carrying every ``RuleIssue`` (loc, msg, type);
* ``literals``    — reading rule literals (numbers as decimal strings, dates…);
* ``operators``   — which operator applies to which type;
* ``conditions``  — condition compiler (``compile_condition``);
* ``nodes``       — the checked condition tree it produces;
* ``codegen``     — the generated evaluator behind compiled conditions and tiers;
* ``formulas``    — reward value formulas (``compile_formula``);
* ``tiers``       — a promotion's ordered tiers (``compile_tiers``);
* ``interpreter`` — the slow reference evaluator, also used for ``explain``;
* ``decimals``    — rounding, minor units and display of reward values.
"""

from openpromo.rules.conditions import CompiledCondition, compile_condition
from openpromo.rules.decimals import (
    format_minor,
    format_value,
    from_minor_units,
    is_representable,
    round_value,
    to_minor_units,
)
from openpromo.rules.errors import RuleError, RuleIssue
from openpromo.rules.formulas import CompiledFormula, compile_formula
from openpromo.rules.interpreter import (
    explain_condition,
    interpret_condition,
    interpret_formula,
    interpret_tiers,
)
from openpromo.rules.operators import OPERATORS_BY_TYPE
from openpromo.rules.tiers import CompiledPromotionRules, compile_tiers
from openpromo.rules.types import (
    BUILTIN_CONTEXT_TYPES,
    PROPERTY_TYPES,
    ROUNDINGS,
    PropertyType,
    RewardTypeInfo,
    RewardValue,
    Rounding,
    TierMatch,
)

__all__ = [
    "BUILTIN_CONTEXT_TYPES",
    "OPERATORS_BY_TYPE",
    "PROPERTY_TYPES",
    "ROUNDINGS",
    "CompiledCondition",
    "CompiledFormula",
    "CompiledPromotionRules",
    "PropertyType",
    "RewardTypeInfo",
    "RewardValue",
    "Rounding",
    "RuleError",
    "RuleIssue",
    "TierMatch",
    "compile_condition",
    "compile_formula",
    "compile_tiers",
    "explain_condition",
    "format_minor",
    "format_value",
    "from_minor_units",
    "interpret_condition",
    "interpret_formula",
    "interpret_tiers",
    "is_representable",
    "round_value",
    "to_minor_units",
]
