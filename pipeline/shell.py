"""What `packets` (cli.py) and `packets serve` with its batch children (serve/) both stand on: the
exit code of a run that cannot go on, private files, the log with ID and phone numbers masked,
SIGTERM taken as Ctrl-C, and the --lang option. One copy, so that the command line and the server
cannot drift apart (they had: the server's log showed control characters as they came)."""

from __future__ import annotations

import logging
import signal
import sys
from typing import NoReturn

import click

from pipeline.common.i18n import LANGUAGES, _, set_language
from pipeline.common.mask import for_terminal, scrub, visible

EXIT_RUN_ERROR = 2  # a run that cannot start or go on; bad rows are not that (they go to the report)
PRIVATE_UMASK = 0o077  # nothing this process (a worker, LibreOffice) creates is readable by others
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class ScrubbedFormatter(logging.Formatter):
    """Log lines with ID and phone numbers masked and control characters visible (a maintainer reads
    the log in a terminal too); tracebacks keep their line breaks."""

    def format(self, record):
        return visible(scrub(super().format(record)), keep_newlines=True)


def log_to(*handlers: logging.Handler) -> None:
    """Everything logged — by this process, by library warnings (pypdf, Pillow) and, through the pool,
    by the workers — goes to `handlers` and nowhere else, masked."""
    formatter = ScrubbedFormatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = list(handlers)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)


def stop_on_sigterm() -> None:
    """`kill` stops a run as cleanly as Ctrl-C: SIGTERM raises KeyboardInterrupt in the main thread."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    # Once: a second SIGTERM (PDEATHSIG sends one again as a dying server's threads hand a child on)
    # must not cut short the clean-up — workers, LibreOffice — the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def say(text: str, err: bool = False) -> None:
    """Every line for the terminal: numbers masked, escape sequences and bidi controls made visible."""
    click.echo(for_terminal(text), err=err)


def cannot_run(reason: object) -> NoReturn:
    say(_("无法运行：{reason}").format(reason=reason), err=True)
    sys.exit(EXIT_RUN_ERROR)


def _language(ctx, param, value):
    set_language(value)
    return value


def language_option(help_text: str):
    """--lang (or PACKETS_LANG), read before any other option so that their messages are in it."""
    return click.option("--lang", type=click.Choice(LANGUAGES), default="zh", envvar="PACKETS_LANG",
                        callback=_language, is_eager=True, expose_value=False, help=help_text)
