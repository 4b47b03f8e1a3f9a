"""Where the borrowers' data goes: full ID and phone numbers only inside the documents; no network."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from conftest import DATA, ROOT
from e2e import pdf_text

IDS = ["330106198503121231", "440305199207084565", "510104197801157896", "330106198503121232"]
PHONES = ["13800138001", "13900000002", "13800138003", "1380013800"]


def _offline(command: list[str]) -> list[str]:
    """Run without any network interface but loopback, when this machine allows it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", *command]
    pytest.skip("cannot create a network namespace here")


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("private") / "out"
    command = _offline([sys.executable, "-m", "pipeline", "build", str(DATA / "cases.csv"), "--out", str(out),
                        "--date", "2026-11-24", "--jobs", "2"])
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return result, out


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
