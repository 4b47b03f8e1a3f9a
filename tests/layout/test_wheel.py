"""The package installs anywhere: a wheel, installed (not editable) into a fresh environment, builds
packets from another folder with its own templates, schemas and message catalogs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import sysconfig
import zipfile

import pytest
from conftest import ROOT
from e2e import read_report

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "-w", str(folder / "dist"), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = (folder / "dist").glob("negotiation_packets-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # The dependencies come from the test environment's site-packages (PYTHONPATH does not run its
    # .pth files, so the checkout's editable install stays out of it).
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    return wheel, venv, env


def test_the_wheel_carries_the_templates_schemas_and_catalogs(installed):
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("pipeline/templates/hardship_letter.docx", "pipeline/schemas/case.yaml",
                     "pipeline/schemas/lenders.yaml", "pipeline/locale/en/LC_MESSAGES/packets.mo",
                     "pipeline/templates/rights_and_help.docx", "pipeline/serve/pages/base.html"):
        assert expected in names, expected
    assert not [n for n in names if n.startswith(("bench/", "tests/", "templates/source"))]


def test_the_installed_package_builds_packets_from_another_folder(installed, tmp_path):
    _, venv, env = installed
    with (ROOT / "samples" / "clients.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:2]
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    where = subprocess.run([venv / "bin" / "python", "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where
    result = subprocess.run([venv / "bin" / "packets", "build", "cases.csv", "--out", "out", "--date", "2026-11-24",
                             "--jobs", "1", "--lang", "en"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert "2 rows: 2 ok" in result.stdout  # the English catalog came with the wheel
    assert [r["status"] for r in read_report(tmp_path / "out")] == ["ok", "ok"]
    assert (tmp_path / "out" / rows[0]["案件编号"] / "packet.pdf").stat().st_size > 10_000
