"""Who the build trusts on a Dask cluster: results come back pickled, so whoever can talk to the
scheduler can run code on the workers and on this machine. Plain `tcp://` is neither encrypted nor
authenticated, so it is accepted only on this machine (loopback); anything else must be `tls://`, with
the cluster's CA and this machine's certificate and key (distributed's own Security: mutual TLS,
encryption required on every connection), or the run does not start.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import RunError
from pipeline.common.i18n import _

ENCRYPTED = frozenset({"tls", "wss"})
IN_PROCESS = frozenset({"inproc"})


@dataclass(frozen=True)
class ClusterTls:
    """The files for `tls://` (each None: taken from Dask's configuration, distributed.comm.tls)."""

    ca_file: Path | None = None  # the cluster's CA certificate
    cert: Path | None = None  # this machine's certificate, signed by that CA
    key: Path | None = None  # its private key (None: appended to the certificate file)


def cluster_security(address: str, tls: ClusterTls | None = None):
    """distributed's Security for connecting to `address`, None for a loopback scheduler on `tcp://`;
    RunError before anything connects when the address is not safe to use. ValueError for an address
    that does not parse."""
    from distributed.comm.addressing import parse_address, parse_host_port  # noqa: PLC0415 - only with --cluster
    from distributed.security import Security  # noqa: PLC0415

    scheme, location = parse_address(address)
    if scheme in IN_PROCESS:  # this process itself
        return None
    host, _port = parse_host_port(location)
    if scheme in ENCRYPTED:
        tls = tls or ClusterTls()
        given = {name: str(path) for name, path in (("tls_ca_file", tls.ca_file), ("tls_client_cert", tls.cert),
                                                    ("tls_client_key", tls.key)) if path is not None}
        security = Security(require_encryption=True, **given)
        if not security.tls_ca_file or not security.tls_client_cert:
            raise RunError(_("--cluster {address}：tls:// 需要集群的CA证书以及本机的证书和私钥，请用 --tls-ca-file、"
                             "--tls-cert、--tls-key 指定（制作方法见 README“More than one machine”）").format(address=address))
        return security
    if _is_loopback(host):
        return None
    raise RunError(_("--cluster {address}：{scheme}:// 的连接不加密、也不验证对方身份，能连上调度器的人就能在工作节点和本机上"
                     "运行程序；本机以外的调度器请用 tls://HOST:8786，并用 --tls-ca-file、--tls-cert、--tls-key 指定证书"
                     "（制作方法见 README“More than one machine”）").format(address=address, scheme=scheme))


def _is_loopback(host: str) -> bool:
    """Only what cannot leave this machine: a loopback address, or `localhost` itself (no name is looked
    up: what a name resolves to can change)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
