"""What every request handler reaches through `request.app.state.server`: the settings, the
database, the job lanes, the gate for password checks and the page templates, and the organisation
profiles staff may choose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pipeline.common.errors import RunError
from pipeline.common.resources import shipped_path
from pipeline.documents.organisation import load_organisation
from pipeline.serve.caseworker_words import for_caseworkers
from pipeline.serve.jobs import Jobs
from pipeline.serve.logins import PasswordChecks
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.translations import Translate

PROFILE_STEM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True)
class Profile:
    key: str  # the file's stem: what a form sends and a batch records
    name: str  # the organisation's name, as staff know it


class Server:
    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.store = Store(settings.database)
        self.jobs = Jobs(settings, self.store)
        self.logins = PasswordChecks()
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(shipped_path("serve", "pages")),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )

    def profiles(self) -> list[Profile]:
        """The organisation profiles installed under DATA/organisations (read at each use, so that an
        administrator can add one while the server runs); a broken one is left out."""
        found = []
        folder = self.settings.organisations
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            if not set(path.stem) <= PROFILE_STEM_CHARS:
                continue
            try:
                found.append(Profile(path.stem, load_organisation(path).name))
            except RunError:
                continue
        return found

    def profile_path(self, key: str) -> Path | None:
        return self.settings.organisations / f"{key}.yaml" if key else None

    def render(self, request: Request, name: str, *, title: str, status: int = 200, **context) -> HTMLResponse:
        _: Translate = request.state.translate
        session = getattr(request.state, "session", None)
        html = self.pages.get_template(name).render(
            _=_, lang=request.state.language, title=title, session=session, path=request.url.path,
            when=when, duration=lambda seconds: duration(seconds, _), plain=lambda text: for_caseworkers(text, _),
            **context)
        return HTMLResponse(html, status_code=status)


def when(timestamp: float | None, seconds: bool = False) -> str:
    """A moment in the server's local time, as pages show it."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def duration(seconds: float | None, _: Translate) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return _("{seconds} 秒").format(seconds=seconds)
    return _("{minutes} 分 {seconds} 秒").format(minutes=seconds // 60, seconds=seconds % 60)
