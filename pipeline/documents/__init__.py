"""Stage 4 — documents: a `Case` and its `RepaymentPlan` → the template context → filled .docx files.

`context` is the one place where figures become document text (formatted amounts, 大写, dates);
`render` fills the templates in Jinja's sandbox; `template_check` checks staff templates against
the context before a run; `organisation` reads the letterhead profile.
"""
