"""Negotiation packets: a spreadsheet of client cases in, one printable packet per borrower out.

The package is a line of stages, each a sub-package that imports only from those before it:

    common/     the shared vocabulary: typed records (Case, RepaymentPlan…), errors, formats, i18n
    intake/     input files (CSV, .xlsx) → raw rows; evidence scans → safe PDF pages
    contract/   raw rows → a typed Case, or the row's problems (Cerberus, schemas/*.yaml)
    plan/       Case → RepaymentPlan: totals, capacity, the installment schedule, warnings
    documents/  Case + plan → template context → filled Word documents (docxtpl, sandboxed)
    pdf/        documents → one Word file per chunk → LibreOffice → packets (outline, footer, scans)
    run/        the unit of work (a chunk of cases → packet bytes) on local workers or Dask
    output/     case folders, manifests (re-runs), report.csv — written atomically, privately
    batch/      the whole run, as `build` and `validate_inputs`: what the CLI and server call

`cli.py` (packets) and `serve/` (packets serve) sit on top and share `shell.py`: exit codes, the
masked log, SIGTERM, --lang. `cli.py` only parses options and prints.
"""

__version__ = "0.1.0"
