"""Promotions: lifecycle, the §4 editability table, versioning, activation checks,
duplication and all-or-nothing transactions (SPEC §3-§5).

Every edit runs on the promotion row locked for the transaction, bumps ``version`` in SQL
and writes an audit entry with the state before and after, all in the caller's unit of
work. Errors carry ``errors[].loc`` built from a ``loc`` prefix the caller passes: ``("body",)``
for the REST endpoints, ``("commands", i, …)`` inside a transaction.

Size (over 600 lines): every edit goes through the same lock → check the §4 table → save →
audit path (``_lock``, ``_save``), and the all-or-nothing transaction replays the same edits;
split up, that path would be imported back and forth between the pieces.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.errors import (
    Conflict,
    ConflictRef,
    FieldError,
    NotFound,
    OpenPromoError,
    Unprocessable,
)
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import Promotion
from openpromo.promotion import catalog
from openpromo.promotion.repository import PromotionRepository
from openpromo.promotion.schemas import (
    CODE_MAX_LENGTH,
    Activate,
    Archive,
    Deactivate,
    PromotionCreate,
    PromotionUpdate,
    PublishingBudgets,
    SetBudgets,
    SetMetadata,
    SetProperties,
    SetRewardConstraints,
    SetTiers,
    TransactionCommand,
    budgets_to_json,
)
from openpromo.promotion.schemas import Promotion as PromotionOut
from openpromo.reward_type.usage import register_reward_type_usage_check
from openpromo.rules import (
    CompiledPromotionRules,
    PropertyType,
    RewardTypeInfo,
    RuleError,
    compile_tiers,
    format_value,
    is_representable,
)
from openpromo.schema.usage import register_property_usage_check
from openpromo.webhook.service import webhook_service

Loc = tuple[str | int, ...]
BODY: Final[Loc] = ("body",)

# ---------------------------------------------------------------------------------------------
# Domain errors: one class (and one machine code) per refusal, so clients can branch on it.


@dataclass
class PromotionArchived(Conflict):
    code: str = "promotion_archived"


@dataclass
class TiersLocked(Conflict):
    code: str = "tiers_locked"


@dataclass
class PropertiesLockedWhileActive(Conflict):
    code: str = "properties_locked_while_active"


@dataclass
class InvalidTransition(Conflict):
    code: str = "invalid_transition"


@dataclass
class ActivationPreconditionsFailed(Conflict):
    code: str = "activation_preconditions_failed"


@dataclass
class DuplicateCode(Conflict):
    code: str = "duplicate_code"


@dataclass
class RulesNoLongerValid(Conflict):
    code: str = "rules_no_longer_valid"


def promotion_ref(promotion_id: str, code: str, name: str) -> ConflictRef:
    return ConflictRef("promotion", promotion_id, code, name)


# ---------------------------------------------------------------------------------------------


def _snapshot(promotion: Promotion) -> dict[str, Any]:
    return PromotionOut.model_validate(promotion).model_dump(mode="json", exclude={"updated_at"})


def _prefixed(errors: Sequence[FieldError], prefix: Loc) -> list[FieldError]:
    return [FieldError((*prefix, *e.loc), e.msg, e.type) for e in errors]


def _pydantic_errors(exc: ValidationError, prefix: Loc) -> list[FieldError]:
    return [
        FieldError(
            (*prefix, *(p if isinstance(p, int) else str(p) for p in e["loc"])),
            e["msg"],
            e["type"],
        )
        for e in exc.errors()
    ]


def _unprocessable(errors: list[FieldError]) -> Unprocessable:
    first = errors[0]
    where = ".".join(str(p) for p in first.loc)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Unprocessable(detail=f"{where}: {first.msg}{more}", errors=errors)


_SLUG_RE: Final = re.compile(r"[^a-z0-9]+")


def _slug(name: str) -> str:
    slug = _SLUG_RE.sub("-", name.lower()).strip("-")
    return (slug or "promotion")[:60].rstrip("-") or "promotion"


def _at(document: Any, loc: Loc) -> Any:
    """The value at ``loc`` inside a JSON document, or ``None``."""
    node = document
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "activate": frozenset({"draft", "deactivated"}),
    "deactivate": frozenset({"active"}),
    "archive": frozenset({"draft", "active", "deactivated"}),
}
_TARGET: Final[dict[str, str]] = {
    "activate": "active",
    "deactivate": "deactivated",
    "archive": "archived",
}

_COMMAND: Final = TypeAdapter(TransactionCommand)
# The webhook event of each audited action (every other change: promotion.changed).
_EVENTS: Final = {
    "promotion.activate": "promotion.activated",
    "promotion.deactivate": "promotion.deactivated",
    "promotion.archive": "promotion.archived",
}
_CACHE_SIZE: Final = 512


class PromotionService:
    def __init__(self) -> None:
        self._compiled: OrderedDict[tuple[Any, ...], CompiledPromotionRules] = OrderedDict()

    # -- reads -----------------------------------------------------------------------------

    async def get(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> Promotion:
        promotion = await PromotionRepository(session, principal.tenant_id).get(promotion_id)
        if promotion is None:
            raise NotFound(detail=f"promotion {promotion_id} not found")
        return promotion

    async def list_all(
        self, session: AsyncSession, tenant_id: str, *, status: str | None = None
    ) -> Sequence[Promotion]:
        return await PromotionRepository(session, tenant_id).list_all(status=status)

    async def compiled_rules(
        self, session: AsyncSession, tenant_id: str, promotion: Promotion
    ) -> CompiledPromotionRules:
        """The promotion's tiers compiled against the current schemas and reward types,
        cached in-process by (promotion, version): validation calls this on its hot path.

        The key also holds ``updated_at`` (a version number reused after a rolled-back edit
        never hits) and the decimals/rounding of the reward types used (those may change
        while the promotion exists; referenced properties may not)."""
        infos = await catalog.reward_type_infos(session, tenant_id)
        used = tuple(
            (k, infos[k].decimals, infos[k].rounding)
            for k in promotion.referenced_reward_types
            if k in infos
        )
        key = (tenant_id, promotion.id, promotion.version, promotion.updated_at, used)
        cached = self._compiled.get(key)
        if cached is not None:
            self._compiled.move_to_end(key)
            return cached
        types = await catalog.property_types(session, tenant_id)
        compiled = self.compile_rules(promotion.id, promotion.tiers, types, infos)
        self._compiled[key] = compiled
        while len(self._compiled) > _CACHE_SIZE:
            self._compiled.popitem(last=False)
        return compiled

    @staticmethod
    def compile_rules(
        promotion_id: str,
        tiers: list[Any],
        types: Mapping[str, PropertyType],
        infos: Mapping[str, RewardTypeInfo],
    ) -> CompiledPromotionRules:
        """Stored tiers compiled against the given schemas and reward types (no query; the
        caller caches). ``RulesNoLongerValid`` when they no longer compile."""
        try:
            return compile_tiers(tiers, types, infos)
        except RuleError as exc:
            raise RulesNoLongerValid(
                detail=f"the tiers of promotion {promotion_id} no longer compile: {exc}",
                errors=[FieldError(i.loc, i.msg, i.type) for i in exc.issues],
            ) from exc

    async def promotions_using_property(
        self, session: AsyncSession, tenant_id: str, ref: str
    ) -> list[ConflictRef]:
        """Non-archived promotions that use the property ``ref`` ("scope.key"): in a tier, as
        the audience-selection attribute, or as a promotion property value."""
        rows = await PromotionRepository(session, tenant_id).referencing(property_ref=ref)
        return [promotion_ref(*row) for row in rows]

    async def promotions_using_reward_type(
        self, session: AsyncSession, tenant_id: str, key: str
    ) -> list[ConflictRef]:
        """Non-archived promotions that use reward type ``key``: in a tier, a
        reward-constraint override or a reward budget."""
        rows = await PromotionRepository(session, tenant_id).referencing(reward_type=key)
        return [promotion_ref(*row) for row in rows]

    # -- create / duplicate ----------------------------------------------------------------

    async def create(
        self, session: AsyncSession, principal: Principal, body: PromotionCreate
    ) -> Promotion:
        repo = PromotionRepository(session, principal.tenant_id)
        if body.code is not None:
            await self._ensure_code_free(repo, body.code, ("body", "code"))
            code = body.code
        else:
            code = await self._free_code(repo, _slug(body.name), "")
        promotion = await self._insert(
            repo,
            Promotion(
                name=body.name,
                code=code,
                description=body.description,
                status="draft",
                version=1,
                properties={},
                tiers=[],
                reward_constraints={},
                budgets=budgets_to_json(PublishingBudgets()),
                referenced_properties=[],
                referenced_reward_types=[],
            ),
            ("body", "code"),
        )
        audit_service.record(
            session,
            principal,
            "promotion.create",
            "promotion",
            promotion.id,
            after=_snapshot(promotion),
        )
        return promotion

    async def duplicate(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        code: str | None = None,
    ) -> Promotion:
        """A new draft copy (from any state, archived included): same description,
        properties, tiers, constraints and budgets; new code; no promocodes, no counters."""
        repo = PromotionRepository(session, principal.tenant_id)
        source = await self.get(session, principal, promotion_id)
        if code is not None:
            await self._ensure_code_free(repo, code, ("body", "code"))
        else:
            code = await self._free_code(repo, source.code, "-copy")
        name = source.name + " (copy)"
        if len(name) > 200:
            name = source.name[: 200 - len(" (copy)")] + " (copy)"
        copy = await self._insert(
            repo,
            Promotion(
                name=name,
                code=code,
                description=source.description,
                status="draft",
                version=1,
                properties=dict(source.properties),
                tiers=list(source.tiers),
                reward_constraints=dict(source.reward_constraints),
                budgets=dict(source.budgets),
                referenced_properties=list(source.referenced_properties),
                referenced_reward_types=list(source.referenced_reward_types),
            ),
            ("body", "code"),
        )
        audit_service.record(
            session,
            principal,
            "promotion.duplicate",
            "promotion",
            copy.id,
            before={"source_id": source.id, "source_version": source.version},
            after=_snapshot(copy),
        )
        return copy

    # -- edits -----------------------------------------------------------------------------

    async def update_metadata(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        update: PromotionUpdate | SetMetadata,
        *,
        loc: Loc = BODY,
    ) -> Promotion:
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        self._refuse_if_archived(promotion, "its name, description and code")
        changes = update.model_dump(exclude_unset=True, exclude={"command"})
        problems = [
            FieldError((*loc, field), "cannot be null", "null_not_allowed")
            for field, value in changes.items()
            if value is None
        ]
        if problems:
            raise _unprocessable(problems)
        if not changes:
            return promotion
        if "code" in changes and changes["code"].lower() != promotion.code.lower():
            await self._ensure_code_free(repo, changes["code"], (*loc, "code"), promotion.id)
        before = _snapshot(promotion)
        for field, value in changes.items():
            setattr(promotion, field, value)
        return await self._save(
            session, principal, repo, promotion, "promotion.update", before, (*loc, "code")
        )

    async def set_properties(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        values: Mapping[str, Any],
        *,
        loc: Loc = BODY,
    ) -> Promotion:
        """Replace the promotion's property values (validated against the promotion schema;
        required ones are only enforced at activation)."""
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        self._refuse_if_archived(promotion, "its properties")
        if promotion.status == "active":
            raise PropertiesLockedWhileActive(
                detail="properties cannot change while the promotion is active: deactivate it "
                "first (or duplicate it)"
            )
        if not isinstance(values, Mapping):
            raise _unprocessable([FieldError(loc, "expected an object of values", "dict_type")])
        stored = await catalog.validate_promotion_values(
            session, principal.tenant_id, dict(values), loc
        )
        before = _snapshot(promotion)
        promotion.properties = stored
        self._refresh_references(promotion)
        return await self._save(
            session, principal, repo, promotion, "promotion.set_properties", before
        )

    async def set_tiers(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        tiers: Sequence[Any],
        *,
        loc: Loc = BODY,
    ) -> Promotion:
        """Replace the tiers: type-checked against the schemas and reward types, stored in
        the compiler's normalised form. Only in draft, before the first activation."""
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        self._refuse_if_archived(promotion, "its tiers")
        if promotion.status != "draft" or promotion.first_activated_at is not None:
            raise TiersLocked(
                detail="tiers are frozen once a promotion has been activated "
                f"(this one is {promotion.status}): duplicate it to change them"
            )
        types = await catalog.property_types(session, principal.tenant_id)
        infos = await catalog.reward_type_infos(session, principal.tenant_id)
        try:
            compiled = compile_tiers(list(tiers), types, infos)
        except RuleError as exc:
            raise _unprocessable(
                [FieldError((*loc, *i.loc), i.msg, i.type) for i in exc.issues]
            ) from exc
        before = _snapshot(promotion)
        promotion.tiers = compiled.normalized
        self._refresh_references(promotion, compiled)
        return await self._save(session, principal, repo, promotion, "promotion.set_tiers", before)

    async def set_reward_constraints(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        constraints: Mapping[str, Any],
        *,
        loc: Loc = BODY,
    ) -> Promotion:
        """Replace the per-reward-type constraint overrides ``{reward_type_key: constraints}``."""
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        self._refuse_if_archived(promotion, "its reward constraints")
        if not isinstance(constraints, Mapping):
            raise _unprocessable([FieldError(loc, "expected an object", "dict_type")])
        stored = await catalog.validate_reward_constraints(
            session, principal.tenant_id, dict(constraints), loc
        )
        before = _snapshot(promotion)
        promotion.reward_constraints = stored
        self._refresh_references(promotion)
        return await self._save(
            session, principal, repo, promotion, "promotion.set_reward_constraints", before
        )

    async def set_budgets(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        budgets: PublishingBudgets,
        *,
        loc: Loc = BODY,
    ) -> Promotion:
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        self._refuse_if_archived(promotion, "its budgets")
        stored = await self._check_budgets(session, principal.tenant_id, budgets, loc)
        before = _snapshot(promotion)
        promotion.budgets = stored
        self._refresh_references(promotion)
        return await self._save(
            session, principal, repo, promotion, "promotion.set_budgets", before
        )

    # -- transitions -----------------------------------------------------------------------

    async def activate(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> Promotion:
        return await self._transition(session, principal, promotion_id, "activate")

    async def deactivate(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        *,
        reason: str = "manual",
        details: Mapping[str, Any] | None = None,
    ) -> Promotion:
        """``reason`` (manual | pause_all | kill_switch) and ``details`` go into the audit
        entry and the ``promotion.deactivated`` event."""
        return await self._transition(
            session,
            principal,
            promotion_id,
            "deactivate",
            extra={"reason": reason, **(details or {})},
        )

    async def pause_all(self, session: AsyncSession, principal: Principal) -> list[str]:
        """Deactivate every active promotion of the tenant (each audited, with its event);
        the ids, in order."""
        repo = PromotionRepository(session, principal.tenant_id)
        paused: list[str] = []
        for promotion_id in await repo.active_ids():
            await self.deactivate(session, principal, promotion_id, reason="pause_all")
            paused.append(promotion_id)
        return paused

    async def archive(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> Promotion:
        return await self._transition(session, principal, promotion_id, "archive")

    async def activation_problems(
        self, session: AsyncSession, tenant_id: str, promotion: Promotion
    ) -> list[FieldError]:
        """Every reason the promotion cannot be activated now (empty: it can)."""
        problems: list[FieldError] = []
        if not promotion.tiers:
            problems.append(
                FieldError(("tiers",), "at least one tier is needed to activate", "no_tiers")
            )
        statuses = await catalog.reward_type_statuses(session, tenant_id)
        types = await catalog.property_types(session, tenant_id)
        if promotion.tiers:
            infos = await catalog.reward_type_infos(session, tenant_id)
            live = {k: v for k, v in infos.items() if statuses.get(k) == "active"}
            try:
                compile_tiers(promotion.tiers, types, live)
            except RuleError as exc:
                for issue in exc.issues:
                    key = _at(promotion.tiers, issue.loc[1:])
                    if issue.type == "unknown_reward_type" and statuses.get(str(key)) == "archived":
                        problems.append(
                            FieldError(
                                issue.loc,
                                f"reward type {key!r} is archived",
                                "reward_type_archived",
                            )
                        )
                    else:
                        problems.append(FieldError(issue.loc, issue.msg, issue.type))
        for key in promotion.reward_constraints:
            if (
                problem := _reward_type_problem(key, statuses, ("reward_constraints", key))
            ) is not None:
                problems.append(problem)
        for index, budget in enumerate(promotion.budgets.get("reward_budgets", [])):
            here: Loc = ("budgets", "reward_budgets", index, "reward_type")
            if (problem := _reward_type_problem(budget["reward_type"], statuses, here)) is not None:
                problems.append(problem)
        selection = promotion.budgets.get("audience_selection", {})
        if selection.get("method") == "attribute":
            problem = _selection_property_problem(
                selection.get("property"), types, ("budgets", "audience_selection", "property")
            )
            if problem is not None:
                problems.append(problem)
        problems.extend(
            await catalog.promotion_values_problems(
                session, tenant_id, promotion.properties, ("properties",)
            )
        )
        return problems

    # -- transaction -----------------------------------------------------------------------

    async def transaction(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        commands: Sequence[Mapping[str, Any]],
    ) -> Promotion:
        """Apply ``commands`` in order, all or nothing. A failure raises that command's
        error with every ``loc`` prefixed by ``("commands", index)``; the caller's
        transaction then rolls back, and the savepoint undoes the work even if it does not."""
        await self.get(session, principal, promotion_id)
        async with session.begin_nested():
            for index, raw in enumerate(commands):
                here: Loc = ("commands", index)
                try:
                    command = _COMMAND.validate_python(raw)
                except ValidationError as exc:
                    errors = [
                        FieldError((*here, *_drop_tag(e["loc"], raw)), e["msg"], e["type"])
                        for e in exc.errors()
                    ]
                    raise _command_failed(_unprocessable(errors), index, raw) from exc
                try:
                    await self._apply(session, principal, promotion_id, command, here)
                except OpenPromoError as exc:
                    raise _command_failed(exc, index, raw) from exc
            promotion = await self.get(session, principal, promotion_id)
        return promotion

    async def _apply(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        command: Any,
        here: Loc,
    ) -> None:
        match command:
            case SetMetadata():
                await self.update_metadata(session, principal, promotion_id, command, loc=here)
            case SetProperties():
                await self.set_properties(
                    session, principal, promotion_id, command.properties, loc=(*here, "properties")
                )
            case SetTiers():
                await self.set_tiers(session, principal, promotion_id, command.tiers, loc=here)
            case SetRewardConstraints():
                await self.set_reward_constraints(
                    session,
                    principal,
                    promotion_id,
                    command.reward_constraints,
                    loc=(*here, "reward_constraints"),
                )
            case SetBudgets():
                await self.set_budgets(
                    session, principal, promotion_id, command.budgets, loc=(*here, "budgets")
                )
            case Activate():
                await self.activate(session, principal, promotion_id)
            case Deactivate():
                await self.deactivate(session, principal, promotion_id)
            case Archive():
                await self.archive(session, principal, promotion_id)

    # Last in the class: the name shadows the builtin ``list`` for the annotations below it.
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        status: str | None = None,
        q: str | None = None,
    ) -> Slice[Promotion]:
        after_id = decode_cursor(cursor) if cursor else None
        rows = await PromotionRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1, status=status, search=q
        )
        return slice_rows(rows, limit, lambda p: p.id)

    # -- internals -------------------------------------------------------------------------

    async def _transition(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_id: str,
        action: str,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> Promotion:
        repo = PromotionRepository(session, principal.tenant_id)
        promotion = await self._lock(repo, promotion_id)
        target = _TARGET[action]
        if promotion.status not in _TRANSITIONS[action]:
            why = (
                "archived is terminal (duplicate it to bring it back)"
                if promotion.status == "archived"
                else f"allowed from: {', '.join(sorted(_TRANSITIONS[action]))}"
            )
            raise InvalidTransition(
                detail=f"a {promotion.status} promotion cannot be {target}: {why}"
            )
        if action == "activate":
            problems = await self.activation_problems(session, principal.tenant_id, promotion)
            if problems:
                # The other objects in the way: archived reward types the promotion uses.
                statuses = await catalog.reward_type_statuses(session, principal.tenant_id)
                archived = sorted(
                    key
                    for key in set(promotion.referenced_reward_types or [])
                    if statuses.get(key) == "archived"
                )
                raise ActivationPreconditionsFailed(
                    detail=f"the promotion cannot be activated ({len(problems)} problem"
                    f"{'s' if len(problems) > 1 else ''}): "
                    + "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems),
                    errors=problems,
                    conflicts=[ConflictRef("reward_type", key) for key in archived],
                )
        before = _snapshot(promotion)
        now = utcnow()
        promotion.status = target
        if action == "activate" and promotion.first_activated_at is None:
            promotion.first_activated_at = now
        if action == "archive":
            promotion.archived_at = now
        return await self._save(
            session, principal, repo, promotion, f"promotion.{action}", before, extra=extra
        )

    async def _lock(self, repo: PromotionRepository, promotion_id: str) -> Promotion:
        promotion = await repo.get_for_update(promotion_id)
        if promotion is None:
            raise NotFound(detail=f"promotion {promotion_id} not found")
        return promotion

    @staticmethod
    def _refuse_if_archived(promotion: Promotion, what: str) -> None:
        if promotion.status == "archived":
            raise PromotionArchived(
                detail=f"the promotion is archived: {what} can no longer change "
                "(duplicate it to bring it back)"
            )

    async def _save(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: PromotionRepository,
        promotion: Promotion,
        action: str,
        before: dict[str, Any],
        code_loc: Loc = ("body", "code"),
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> Promotion:
        code, promotion_id = promotion.code, promotion.id  # a rolled-back savepoint expires them
        try:
            async with session.begin_nested():
                await repo.bump_version(promotion)
        except IntegrityError as exc:
            raise await self._duplicate_code(repo, code, code_loc, promotion_id) from exc
        after = _snapshot(promotion)
        if extra:
            after = {**after, "context": dict(extra)}
        audit_service.record(
            session, principal, action, "promotion", promotion.id, before=before, after=after
        )
        await webhook_service.emit(
            session,
            principal.tenant_id,
            _EVENTS.get(action, "promotion.changed"),
            {
                "promotion_id": promotion.id,
                "code": promotion.code,
                "name": promotion.name,
                "status": promotion.status,
                "version": promotion.version,
                "action": action,
                "actor_type": principal.actor_type,
                "actor_id": principal.actor_id,
                **(extra or {}),
            },
            ordering_key=f"promotion:{promotion.id}",
        )
        return promotion

    async def _insert(
        self, repo: PromotionRepository, promotion: Promotion, code_loc: Loc
    ) -> Promotion:
        code = promotion.code
        try:
            async with repo.session.begin_nested():
                await repo.add(promotion)
        except IntegrityError as exc:
            # A concurrent create took the code between our check and our insert.
            raise await self._duplicate_code(repo, code, code_loc) from exc
        await repo.session.refresh(promotion)
        return promotion

    async def _ensure_code_free(
        self, repo: PromotionRepository, code: str, loc: Loc, except_id: str | None = None
    ) -> None:
        if await repo.live_code_taken(code, except_id=except_id):
            raise await self._duplicate_code(repo, code, loc, except_id)

    @staticmethod
    async def _duplicate_code(
        repo: PromotionRepository, code: str, loc: Loc, except_id: str | None = None
    ) -> DuplicateCode:
        """The 409 naming the promotion that holds ``code`` (read after the savepoint's
        rollback; ``None`` only if that promotion was archived in between)."""
        other = await repo.live_by_code(code, except_id=except_id)
        refs = [promotion_ref(other.id, other.code, other.name)] if other is not None else []
        return DuplicateCode(
            detail=f"another non-archived promotion already has the code {code!r}"
            + (f" ({other.id})" if other is not None else ""),
            errors=[FieldError(loc, "code already in use", "duplicate_code")],
            conflicts=refs,
            conflicts_total=max(len(refs), 1),
        )

    async def _free_code(self, repo: PromotionRepository, base: str, suffix: str) -> str:
        """``base+suffix``, else ``base+suffix-2``, ``-3``… — the first not taken."""
        room = CODE_MAX_LENGTH - len(suffix) - 8  # leave space for "-<n>"
        stem = base[:room] + suffix
        taken = await repo.live_codes_starting_with(stem)
        if stem.lower() not in taken:
            return stem
        number = 2
        while f"{stem}-{number}".lower() in taken:
            number += 1
        return f"{stem}-{number}"

    async def _check_budgets(
        self, session: AsyncSession, tenant_id: str, budgets: PublishingBudgets, loc: Loc
    ) -> dict[str, Any]:
        problems: list[FieldError] = []
        seen_windows: dict[str, int] = {}
        for index, cap in enumerate(budgets.audience_caps):
            if cap.window in seen_windows:
                problems.append(
                    FieldError(
                        (*loc, "audience_caps", index, "window"),
                        f"there is already a cap for window {cap.window!r} "
                        f"(audience_caps[{seen_windows[cap.window]}])",
                        "duplicate_window",
                    )
                )
            else:
                seen_windows[cap.window] = index
        infos = await catalog.reward_type_infos(session, tenant_id)
        seen_budgets: dict[tuple[str, str], int] = {}
        stored = budgets_to_json(budgets)
        for index, budget in enumerate(budgets.reward_budgets):
            here = (*loc, "reward_budgets", index)
            info = infos.get(budget.reward_type)
            if info is None:
                problems.append(
                    FieldError(
                        (*here, "reward_type"),
                        f"unknown reward type {budget.reward_type!r}",
                        "unknown_reward_type",
                    )
                )
                continue
            pair = (budget.reward_type, budget.window)
            if pair in seen_budgets:
                problems.append(
                    FieldError(
                        (*here, "window"),
                        f"there is already a {budget.window!r} budget for "
                        f"{budget.reward_type!r} (reward_budgets[{seen_budgets[pair]}])",
                        "duplicate_window",
                    )
                )
            else:
                seen_budgets[pair] = index
            if not is_representable(budget.limit, info.decimals):
                problems.append(
                    FieldError(
                        (*here, "limit"),
                        f"{budget.reward_type!r} has {info.decimals} decimal places: "
                        f"{format(budget.limit, 'f')} cannot be expressed in it",
                        "too_many_decimals",
                    )
                )
                continue
            stored["reward_budgets"][index]["limit"] = format_value(budget.limit, info.decimals)
        selection = budgets.audience_selection
        if selection.method == "attribute":
            types = await catalog.property_types(session, tenant_id)
            problem = _selection_property_problem(
                selection.property, types, (*loc, "audience_selection", "property")
            )
            if problem is not None:
                problems.append(problem)
        if problems:
            raise _unprocessable(problems)
        return stored

    @staticmethod
    def _refresh_references(
        promotion: Promotion, compiled: CompiledPromotionRules | None = None
    ) -> None:
        """Denormalise every property and reward type the promotion uses, so that the
        referential-integrity checks of schemas and reward types are one query."""
        if compiled is not None:
            tier_props = set(compiled.referenced_properties)
            tier_rewards = set(compiled.referenced_reward_types)
        else:
            tier_props, tier_rewards = _tier_references(promotion.tiers)
        tier_props = {p for p in tier_props if not p.startswith("context.")}
        props = set(tier_props)
        props.update(f"promotion.{key}" for key in promotion.properties)
        selection = promotion.budgets.get("audience_selection", {})
        if selection.get("method") == "attribute" and selection.get("property"):
            props.add(f"customer.{selection['property']}")
        rewards = set(tier_rewards)
        rewards.update(promotion.reward_constraints)
        rewards.update(b["reward_type"] for b in promotion.budgets.get("reward_budgets", []))
        promotion.referenced_properties = sorted(props)
        promotion.referenced_reward_types = sorted(rewards)


def _tier_references(tiers: list[Any]) -> tuple[set[str], set[str]]:
    """Properties and reward types used by stored (normalised) tiers, without recompiling:
    every leaf's ``property`` and every formula's ``of``."""
    properties: set[str] = set()
    reward_types: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("property"), str):
                properties.add(node["property"])
            for key in ("all", "any"):
                for child in node.get(key) or []:
                    walk(child)
            if "not" in node:
                walk(node["not"])

    for tier in tiers:
        walk(tier.get("condition"))
        for reward in tier.get("rewards", []):
            reward_types.add(reward["reward_type"])
            if isinstance(reward.get("value"), dict) and isinstance(reward["value"].get("of"), str):
                properties.add(reward["value"]["of"])
    return properties, reward_types


def _reward_type_problem(key: str, statuses: Mapping[str, str], loc: Loc) -> FieldError | None:
    status = statuses.get(key)
    if status is None:
        return FieldError(loc, f"reward type {key!r} does not exist", "unknown_reward_type")
    if status == "archived":
        return FieldError(loc, f"reward type {key!r} is archived", "reward_type_archived")
    return None


_SELECTION_TYPES: Final = frozenset({"integer", "decimal", "date", "datetime"})


def _selection_property_problem(
    key: str | None, types: Mapping[str, str], loc: Loc
) -> FieldError | None:
    found = types.get(f"customer.{key}")
    if found is None:
        return FieldError(loc, f"unknown customer property {key!r}", "unknown_property")
    if found not in _SELECTION_TYPES:
        return FieldError(
            loc,
            f"customer property {key!r} is a {found}: audience selection needs an integer, "
            "decimal, date or datetime property",
            "invalid_property_type",
        )
    return None


def _drop_tag(loc: tuple[int | str, ...], raw: Any) -> tuple[int | str, ...]:
    """Pydantic puts the union tag first in a discriminated union's error locations."""
    tag = raw.get("command") if isinstance(raw, Mapping) else None
    parts = tuple(p if isinstance(p, int) else str(p) for p in loc)
    if parts and tag is not None and parts[0] == tag:
        return parts[1:]
    return parts


def _command_failed(exc: OpenPromoError, index: int, raw: Any) -> OpenPromoError:
    name = raw.get("command") if isinstance(raw, Mapping) else None
    label = f"command {index}" + (f" ({name})" if isinstance(name, str) else "")
    exc.detail = f"{label} failed, nothing was applied: {exc.detail}"
    if not exc.errors:
        exc.errors = [FieldError(("commands", index), exc.detail, exc.code)]
    elif not all(e.loc[:2] == ("commands", index) for e in exc.errors):
        exc.errors = [
            e
            if e.loc[:2] == ("commands", index)
            else FieldError(("commands", index, *e.loc), e.msg, e.type)
            for e in exc.errors
        ]
    exc.extra = {**exc.extra, "failed_command": index}
    Exception.__init__(exc, exc.detail)
    return exc


promotion_service = PromotionService()


async def _property_usage(session: AsyncSession, tenant_id: str, ref: str) -> list[ConflictRef]:
    return await promotion_service.promotions_using_property(session, tenant_id, ref)


async def _reward_type_usage(session: AsyncSession, tenant_id: str, key: str) -> list[ConflictRef]:
    return await promotion_service.promotions_using_reward_type(session, tenant_id, key)


# Schemas and reward types refuse to delete or retype what a non-archived promotion uses.
register_property_usage_check(_property_usage)
register_reward_type_usage_check(_reward_type_usage)
