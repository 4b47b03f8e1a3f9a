"""The Dask path trusts no network: plain tcp:// only to a scheduler on this machine, tls:// with the
cluster's certificates anywhere else. Issue 20, finding 12 (the README started `dask scheduler` on
plain tcp://; results are unpickled from the cluster, so whoever could reach port 8786 could likely run
code on the workers and the client).

The certificates are made with the README's own commands, and a chunk really goes through a TLS
cluster on loopback with them."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT
from e2e import read_report, run_cli, through_pool

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

distributed = pytest.importorskip("distributed")

from bench.synthetic import write_batch  # noqa: E402
from pipeline.common.errors import RunError  # noqa: E402
from pipeline.documents.render import TemplateSet  # noqa: E402
from pipeline.run.chunk import CaseJob, CaseOutcome, Chunk, ConverterSettings  # noqa: E402
from pipeline.run.cluster_security import ClusterTls, cluster_security  # noqa: E402
from pipeline.run.dask_pool import DaskPool  # noqa: E402

DATE = date(2026, 11, 24)


def answer(chunk):
    """What a worker sends back, without LibreOffice: the chunk's cases, done."""
    return [CaseOutcome(job.case_id, documents={"letter": b"x"}) for job in chunk.jobs]


def one_chunk() -> Chunk:
    settings = ConverterSettings("soffice", 120, Path(tempfile.gettempdir()))
    return Chunk((CaseJob("C-000001", ()),), TemplateSet().blobs, settings)


@pytest.mark.parametrize("address", ["tcp://192.0.2.10:8786", "tcp://10.0.0.5:8786", "tcp://scheduler.example:8786",
                                     "192.0.2.10:8786", "tcp://0.0.0.0:8786", "ws://192.0.2.10:8786"])
def test_plain_tcp_to_another_machine_is_refused_before_connecting(address, monkeypatch):
    def connect(*_args, **_kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(distributed, "Client", connect)
    with pytest.raises(RunError, match="连接不加密、也不验证对方身份") as refused:
        DaskPool(address).__enter__()
    assert "tls://HOST:8786" in str(refused.value) and "--tls-ca-file" in str(refused.value)


def test_the_refusal_stops_the_build_with_exit_2_and_nothing_built(tmp_path):
    source = write_batch(tmp_path / "batch.csv", 1, DATE)
    started = time.monotonic()
    result = run_cli("build", str(source), "--out", str(tmp_path / "out"), "--date", DATE.isoformat(),
                     "--cluster", "tcp://192.0.2.10:8786")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--cluster tcp://192.0.2.10:8786：tcp:// 的连接不加密" in result.stderr
    assert not (tmp_path / "out" / "report.csv").exists() or read_report(tmp_path / "out") == []
    assert time.monotonic() - started < 9  # the client's connect timeout is 10 s: it never tried


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://127.8.9.10:8786", "tcp://localhost:8786",
                                     "tcp://[::1]:8786", "inproc://127.0.0.1/1/1"])
def test_plain_tcp_on_this_machine_is_accepted(address):
    assert cluster_security(address) is None


def test_a_loopback_scheduler_on_plain_tcp_runs_the_chunks():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        (result,) = through_pool(DaskPool(cluster.scheduler_address, task=answer), [one_chunk()])
    assert [o.case_id for o in result.outcomes if o.ok] == ["C-000001"]


def test_tls_without_certificates_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no Dask configuration that names certificates
    with pytest.raises(RunError, match="tls:// 需要集群的CA证书以及本机的证书和私钥"):
        cluster_security("tls://192.0.2.10:8786", ClusterTls())


def readme_certificates(folder: Path) -> Path:
    """Run the README's block that makes the certificates, in `folder`."""
    readme = (ROOT / "README.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "openssl req -x509" in b]
    subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=folder, check=True, capture_output=True, timeout=120)
    return folder


def test_a_tls_cluster_runs_the_chunks_with_the_readmes_certificates(tmp_path):
    certificates = readme_certificates(tmp_path)
    for name in ("ca.pem", "scheduler.pem", "scheduler-key.pem", "worker.pem", "worker-key.pem", "client.pem",
                 "client-key.pem"):
        assert (certificates / name).is_file(), name
    assert (certificates / "client-key.pem").stat().st_mode & 0o077 == 0  # keys readable by their owner only
    security = distributed.Security(tls_ca_file=str(certificates / "ca.pem"), require_encryption=True,
                                    tls_scheduler_cert=str(certificates / "scheduler.pem"),
                                    tls_scheduler_key=str(certificates / "scheduler-key.pem"),
                                    tls_worker_cert=str(certificates / "worker.pem"),
                                    tls_worker_key=str(certificates / "worker-key.pem"),
                                    tls_client_cert=str(certificates / "client.pem"),
                                    tls_client_key=str(certificates / "client-key.pem"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tls://",
                                  host="127.0.0.1", security=security, dashboard_address=":0") as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        tls = ClusterTls(certificates / "ca.pem", certificates / "client.pem", certificates / "client-key.pem")
        (result,) = through_pool(DaskPool(address, task=answer, tls=tls), [one_chunk()])
        assert [o.case_id for o in result.outcomes if o.ok] == ["C-000001"]
        # a certificate that the cluster's CA did not sign is not let in
        stranger = tmp_path / "stranger"
        stranger.mkdir()
        readme_certificates(stranger)
        with pytest.raises(RunError, match="无法连接 Dask 集群"):
            DaskPool(address, task=answer, tls=ClusterTls(certificates / "ca.pem", stranger / "client.pem",
                                                          stranger / "client-key.pem")).__enter__()
