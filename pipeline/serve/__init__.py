"""The office server: `packets serve` — staff upload a case spreadsheet from their browser (or a
script, with a token), check it, build it and download the packets, each seeing only their own
batches. It sits on top of the stages like `cli.py` and calls the same library functions
(`pipeline.batch.validate_inputs`, `pipeline.batch.build`); no stage imports it.

    settings.py      what the server is told on its command line; where its data lives under --data
    store.py         the SQLite database (users, sessions, batches, access log)
    accounts.py      users, argon2 password hashes, API tokens, sessions
    logins.py        logging in: failures per account and address, one check at a time per account
    batches.py       batch records: status, progress, the queue, the rows a check found
    access_log.py    who did what to which batch, when, from where (no personal data)
    uploads.py       an uploaded file at the door: size limit, type, a safe name
    evidence_zip.py  a zip of evidence scans unpacked inside the batch's folder, or refused
    submissions.py   a new batch from an upload form (pages and API alike)
    work.py          what runs in a child process: checking a batch, building it
    jobs.py          the lanes that run that work one batch at a time, and stop it
    retention.py     deleting batches --retain-days after they finish, and folders with no batch
    removal.py       deleting a batch's folder, however deep
    quota.py         each user's share of the disk
    translations.py  Chinese by default, English on request, from the same gettext catalogs
    refusals.py      a request turned down: status and message
    server.py        what every handler reaches: settings, database, lanes, page templates
    auth.py          sessions, API tokens and CSRF tokens on requests
    pages.py         the HTML pages; page_messages.py lists their words for the catalog
    help_pages.py    the help page, the blank intake workbook and the sample sheet
    account_pages.py changing one's password; administrators' page of users
    api.py           the JSON API for scripts
    downloads.py     a finished batch's files, the packets .zip streamed
    web.py           the Starlette app: middleware, errors, routes, start and stop
    commands.py      `packets serve` and `packets user …`

Pages are Jinja2 templates in `pages/` that work without JavaScript; `static/progress.js` only
refreshes the progress figures.
"""
