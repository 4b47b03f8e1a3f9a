"""Personal data is not kept longer than needed: the server itself deletes every batch --retain-days
after it finished (and a check nobody built on, that long after its upload) — its folder, its record
and its checked rows. The access-log lines about it stay, with a line saying it was purged. Each pass
also removes batch folders that have no record at all (a server killed while unpacking an upload)."""

from __future__ import annotations

import logging
import threading
import time

from pipeline.serve import access_log
from pipeline.serve.accounts import forget_stale
from pipeline.serve.batches import expired
from pipeline.serve.jobs import Jobs

log = logging.getLogger(__name__)

DAY = 86400


def purge_expired(jobs: Jobs, retain_days: int, now: float | None = None) -> list[str]:
    """Delete the batches past their time; returns their ids."""
    cutoff = (now or time.time()) - retain_days * DAY
    purged = []
    for batch in expired(jobs.store, cutoff):
        if jobs.delete(batch):
            access_log.record(jobs.store, access_log.SYSTEM, "", access_log.Action.PURGE, batch.id)
            purged.append(batch.id)
    jobs.sweep_orphans()
    if purged:
        log.info("retention: deleted %d batches older than %d days", len(purged), retain_days)
    return purged


class Housekeeping(threading.Thread):
    """Retention and stale sessions every `purge_every` seconds until the server stops."""

    def __init__(self, jobs: Jobs):
        super().__init__(name="packets-housekeeping", daemon=True)
        self.jobs = jobs

    def run(self) -> None:
        while not self.jobs.stopping.wait(self.jobs.settings.purge_every):  # the first pass is the server's start
            try:
                purge_expired(self.jobs, self.jobs.settings.retain_days)
                forget_stale(self.jobs.store)
            except Exception:
                log.exception("housekeeping failed")
