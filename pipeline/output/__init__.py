"""Stage 7 — output: what a run leaves on disk — each case's folder (written atomically, private to
its owner), the manifest that lets a re-run skip what has not changed, and report.csv."""
