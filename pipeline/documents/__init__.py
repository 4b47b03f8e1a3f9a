"""Stage 4 — documents: a `Case` and its `RepaymentPlan` → the template context → filled .docx files.

`kinds` names the documents and the sets they come in; `context` is the one place where figures
become document text (formatted amounts, 大写, dates); `packet` makes a case's named sets with their
contexts; `reconcile` makes a template set documents of one package; `render` and `bodies` fill the
templates in Jinja's sandbox (under `time_limit`); `template_check` checks staff templates against the
context before a run; `organisation` reads the letterhead profile.
"""
