"""The office server: `packets serve` — staff upload a case spreadsheet from their browser (or a
script, with a token), check it, build it and download the packets, each seeing only their own
batches. It sits on top of the stages like `cli.py` and calls the same library functions
(`pipeline.batch.validate_inputs`, `pipeline.batch.build`); no stage imports it.

    settings.py     what the server is told on its command line; where its data lives under --data
    store.py        the SQLite database (users, sessions, batches, access log), private files
    accounts.py     users, argon2 password hashes, API tokens, sessions, the login rate limit
    batches.py      batch records: status, progress, the queue, their folders
    access_log.py   who did what to which batch, when, from where (no personal data)
    uploads.py      the uploaded spreadsheet: size limits, file type, a safe name
    evidence_zip.py a zip of evidence scans unpacked inside the batch's folder, or refused
    work.py         what runs in a child process: checking a batch, building it
    jobs.py         the lanes that run that work one batch at a time, and stop it
    retention.py    deleting batches after --retain-days
    translations.py Chinese by default, English on request, from the same gettext catalogs
    web.py          the Starlette app: middleware, errors, the routes of pages.py, api.py, downloads.py
    commands.py     `packets serve` and `packets user …`

Pages are Jinja2 templates in `pages/` that work without JavaScript; `static/progress.js` only
refreshes the progress figures.
"""
