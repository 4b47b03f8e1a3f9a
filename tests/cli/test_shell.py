"""The shell the CLI and the server share (pipeline/shell.py): their logs mask ID and phone numbers
and show control characters, whichever command wrote them."""

from __future__ import annotations

import logging
import os

import pytest

from pipeline.serve.commands import _log_to as server_log_to
from pipeline.serve.work import become_child

ID_NUMBER = "11010519491231002X"
LINE = f"case of {ID_NUMBER}, phone 13800138000, name \x1b[31mred\x1b[0m\u202eevil"


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:], root.level = handlers, level


def _written(path) -> str:
    logging.getLogger("pipeline.test").info(LINE)
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


def _check(text: str) -> None:
    assert ID_NUMBER not in text and "13800138000" not in text
    assert "\x1b" not in text and "\u202e" not in text  # an escape or a bidi override would act on a terminal
    assert "red" in text and "evil" in text


def test_the_servers_log_masks_numbers_and_shows_control_characters(tmp_path, restored_logging):
    # Failed before the shell was shared: the server's formatter masked numbers but wrote ESC as is.
    server_log_to(tmp_path / "server.log")
    _check(_written(tmp_path / "server.log"))


def test_a_batch_childs_log_masks_numbers_and_shows_control_characters(tmp_path, restored_logging, monkeypatch):
    # This process plays the server's child: no real prctl, signal handler or umask change.
    monkeypatch.setattr("ctypes.CDLL", lambda *a, **k: type("L", (), {"prctl": lambda *a: 0})())
    monkeypatch.setattr("signal.signal", lambda *a: None)
    monkeypatch.setattr(os, "umask", lambda mask: 0o022)
    become_child(os.getppid(), tmp_path / "work.log")
    _check(_written(tmp_path / "work.log"))
