"""What reading a file needs to know about the columns: their names, which are required, which
hold personal numbers. The contract (schemas/case.yaml) fills this in; intake knows no schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeColumns:
    names: dict[str, str]  # casefolded English key or Chinese header → column key
    headers: dict[str, str]  # column key → the contract's Chinese header (for messages)
    required: tuple[str, ...]  # keys of the columns a file must have
    personal: dict[str, str]  # column key → 'id' | 'phone': masked wherever a value is shown
    dates: frozenset[str] = frozenset()  # keys of date columns (an Excel serial number there is a date)
    example: tuple[tuple[str, str], ...] = ()  # (key, value) that mark the example row of `packets init`

    def key_for(self, header: str) -> str | None:
        return self.names.get(header)
