from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.transaction_request_commands_item import TransactionRequestCommandsItem


T = TypeVar("T", bound="TransactionRequest")


@_attrs_define
class TransactionRequest:
    """
    Attributes:
        commands (list[TransactionRequestCommandsItem]): Applied in order, all or nothing. Each is one of {"command":
            "set_metadata", "name"?, "code"?, "description"?}, {"command": "set_properties", "properties": {...}},
            {"command": "set_tiers", "tiers": [...]}, {"command": "set_reward_constraints", "reward_constraints": {"<key>":
            {...}}}, {"command": "set_budgets", "budgets": {...}}, {"command": "activate"}, {"command": "deactivate"},
            {"command": "archive"}. A failure answers that command's error with errors[].loc starting ["commands", i].
    """

    commands: list[TransactionRequestCommandsItem]

    def to_dict(self) -> dict[str, Any]:
        commands = []
        for commands_item_data in self.commands:
            commands_item = commands_item_data.to_dict()
            commands.append(commands_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "commands": commands,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.transaction_request_commands_item import TransactionRequestCommandsItem  # noqa: PLC0415

        d = dict(src_dict)
        commands = []
        _commands = d.pop("commands")
        for commands_item_data in _commands:
            commands_item = TransactionRequestCommandsItem.from_dict(commands_item_data)

            commands.append(commands_item)

        transaction_request = cls(
            commands=commands,
        )

        return transaction_request
