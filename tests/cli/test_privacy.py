"""Where the borrowers' data goes: full ID and phone numbers only inside the documents; no network."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
from conftest import DATA, ROOT
from e2e import pdf_text

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

IDS = ["330106198503121231", "440305199207084565", "510104197801157896", "330106198503121232"]
PHONES = ["13800138001", "13900000002", "13800138003", "1380013800"]


def _can_go_offline() -> bool:
    """Whether this machine lets a process run with no network interface but loopback."""
    return bool(shutil.which("unshare")) and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


OFFLINE = _can_go_offline()


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    """The build, offline where the machine allows it; the masking tests below read it either way
    (only the network test needs the namespace, and says so when it cannot have one)."""
    out = tmp_path_factory.mktemp("private") / "out"
    command = [sys.executable, "-m", "pipeline", "build", str(DATA / "cases.csv"), "--out", str(out),
               "--date", "2026-11-24", "--jobs", "2"]
    result = subprocess.run(["unshare", "-n", *command] if OFFLINE else command, cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    return result, out


@pytest.mark.skipif(not OFFLINE, reason="cannot create a network namespace here (unshare -n)")
def test_a_build_needs_no_network(offline_build):
    result, out = offline_build
    assert result.returncode == 1, result.stderr  # one invalid row, three packets
    assert len(list(out.glob("*/packet.pdf"))) == 3


def test_terminal_report_and_log_never_show_full_id_or_phone_numbers(offline_build):
    result, out = offline_build
    places = {
        "stdout": result.stdout,
        "stderr": result.stderr,
        "report.csv": (out / "report.csv").read_text("utf-8-sig"),
        "packets.log": (out / "packets.log").read_text("utf-8"),
        "file names": "\n".join(str(p.relative_to(out)) for p in out.rglob("*")),
    }
    for where, text in places.items():
        for secret in IDS + PHONES:
            assert secret not in text, (where, secret)
    # the invalid row's values are still shown, masked, so staff can find them
    assert "330106********1232" in places["report.csv"] and "138***3800" in places["stderr"]


def test_the_documents_themselves_carry_the_full_numbers(offline_build):
    _, out = offline_build
    text = re.sub(r"\s+", "", pdf_text(out / "E2E-001" / "packet.pdf"))
    assert IDS[0] in text and PHONES[0] in text


# Issue 20, finding 10: each reached the terminal and report.csv whole, quoted by the message about
# the (wrong) column it was typed into.
DISGUISED = {"月收入": "１３８００１３８００１", "逾期开始日期": "3301 0619 8604 1703 58", "分期期数": "330106-19860417-0358",
             "贷款机构": "1380 0138 001", "需抚养人数": "330106198604170358A"}
DISGUISED_SECRETS = ["13800138001", "330106198604170358", "1380013800"]


def _digits(text: str) -> str:
    """`text` with every digit in ASCII and no separator or format character: what a reader sees."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text
                   if c not in " -" and unicodedata.category(c) != "Cf")


def test_disguised_id_and_phone_numbers_are_masked_on_the_terminal_report_and_log(tmp_path):
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        template = next(csv.DictReader(handle))
    rows = [template | {"案件编号": f"M-{n}", column: value} for n, (column, value) in enumerate(DISGUISED.items())]
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", str(source), "--out", str(out),
                             "--date", "2026-11-24"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    places = {"stdout": result.stdout, "stderr": result.stderr, "report.csv": (out / "report.csv").read_text("utf-8-sig"),
              "packets.log": (out / "packets.log").read_text("utf-8")}
    for where, text in places.items():
        for secret in DISGUISED_SECRETS:
            assert secret not in _digits(text), (where, secret)
    # each row is still named with its column and its value, masked
    for column, shown in [("月收入", "１３８****８００１"), ("逾期开始日期", "3301 0************3 58"),
                          ("分期期数", "330106**********0358"), ("贷款机构", "138****** 001"), ("需抚养人数", "330106********0358A")]:
        assert f"「{column}」“{shown}”" in places["report.csv"], column
