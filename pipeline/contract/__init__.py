"""Stage 2 — contract: `RawRow` → a typed `Case` (with its evidence scans), or the row's problems.

The contract is data: schemas/case.yaml (the columns, as a Cerberus schema), lenders.yaml and
evidence.yaml, each checked when loaded (`data_files`). `validate` turns cell text into Decimal,
date and enumeration keys; `describe` and `intake_form` present the same contract to people.
"""

from pipeline.contract.schema import Column, Contract, default_contract
from pipeline.contract.validate import BatchValidator, Validated

__all__ = ["BatchValidator", "Column", "Contract", "Validated", "default_contract"]
