"""Stage 8 — batch: the whole run, as the CLI and the office server call it. `build` reads, checks,
plans, hands chunks to a pool and writes each case's folder and the report; `validate_inputs`
does the checking only."""

from pipeline.batch.build import build
from pipeline.batch.options import BuildOptions, BuildSummary
from pipeline.batch.rows import validate_inputs

__all__ = ["BuildOptions", "BuildSummary", "build", "validate_inputs"]
