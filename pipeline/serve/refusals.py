"""A request the server turns down: an HTTP status and a message for the person who sent it.

The message is a Chinese msgid with `{placeholders}`, translated into the reader's language when the
answer is written (a page or `{"error": …, "message": …}` for the API) — never a traceback.
"""

from __future__ import annotations

from pipeline.common.errors import UserProblem
from pipeline.serve.translations import Translate


class Refusal(UserProblem):
    def __init__(self, status: int, message: str, **values):
        super().__init__(message)
        self.status = status
        self.message = message
        self.values = values

    def text(self, _: Translate) -> str:
        return _(self.message).format(**{k: _(v) if isinstance(v, str) else v for k, v in self.values.items()})


class LoginRequired(Exception):
    """A page asked for without a session: the answer is the login page."""
