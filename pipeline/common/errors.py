"""What users are told: a problem with a row (data), an outcome per row, and a run that cannot start."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the row gets no packet
    WARNING = "warning"  # the row gets its packet; the message says what to check


class Code(StrEnum):
    """Every kind of problem the pipeline reports, one code each (report.csv, translations, tests).

    Validation problems raised by Cerberus rules carry the rule's own name (`required`, `regex`,
    `min`…) or `bad_<column key>` for a cell that could not be read as its type; those are built
    in contract/ and are not listed here.
    """

    # intake: the file's bytes
    UNCLOSED_QUOTE = "unclosed_quote"
    CELL_TOO_LARGE = "cell_too_large"
    LINE_TOO_LONG = "line_too_long"
    ENCODING = "encoding"
    TOO_MANY_CELLS = "too_many_cells"
    ID_AS_NUMBER = "id_as_number"
    FORMULA = "formula"
    # contract: the rows of one client
    CLIENT_DISAGREES = "client_disagrees"
    SAME_BORROWER = "same_borrower"
    NO_LENDER = "no_lender"
    CASE_ROW_INVALID = "case_row_invalid"
    # contract: evidence files named in a row
    EVIDENCE_FILE = "evidence_file"
    EVIDENCE_TOO_LARGE = "evidence_too_large"
    # plan
    NO_CAPACITY = "no_capacity"
    CAPPED_AT_60 = "capped_at_60"
    ABOVE_CAPACITY = "above_capacity"
    ABOVE_SURPLUS = "above_surplus"
    INSTALLMENTS_BY_CAPACITY = "installments_by_capacity"
    SETTLEMENT_WITH_COUNT = "settlement_with_count"
    INSTALLMENTS_NOT_REQUESTED = "installments_not_requested"
    DEFERRAL_NOT_NEEDED = "deferral_not_needed"
    LUMP_SUM_WITHOUT_SOURCE = "lump_sum_without_source"
    CREDITOR_NOT_GIVEN = "creditor_not_given"
    WAIVER_WITHOUT_PENALTY = "waiver_without_penalty"
    # run
    UNCHANGED = "unchanged"
    FAILED = "failed"


# Row problems that leave nothing to validate: the row's cells cannot be told apart.
UNREADABLE = frozenset({Code.UNCLOSED_QUOTE, Code.CELL_TOO_LARGE, Code.LINE_TOO_LONG})


@dataclass(frozen=True)
class RowError:
    """One problem with one cell (or one row) of an input file.

    `column` is the header as the file names it ('' for row-level problems);
    `value` is already masked when the column holds personal data.
    """

    source: str
    row: int
    column: str
    value: str
    code: str  # a Code, or a Cerberus rule name (see Code)
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


class Status(StrEnum):
    OK = "ok"  # a packet (new, rebuilt, or unchanged from an earlier run)
    INVALID = "invalid"  # the row cannot be used: its problems say why
    FAILED = "failed"  # the row was valid but its packet could not be made


@dataclass(frozen=True)
class RowOutcome:
    """What became of one input row: the line it gets in report.csv and on the terminal."""

    source: str
    row: int
    case_id: str
    status: Status
    problems: tuple[RowError, ...] = ()
    unchanged: bool = False  # ok because an earlier run's packet is still current


class RunError(Exception):
    """The run cannot start or cannot go on (unreadable file, missing column, no LibreOffice…).

    The message is shown to the user as it is, in one line, without a traceback.
    """
