"""``sls gateway --tls``: a self-signed certificate for the gateway, as the real gateway serves HTTPS on its
own certificate (tools talk to ``https://localhost:5000`` and accept it unverified, or trust the file).

Made with ``cryptography`` into the data folder (``gateway-tls/``): the key file 0600 in a 0700 folder, made
once and kept while it has more than a week left and names every host the gateway answers to (``--host`` and
``SLS_ALLOWED_HOSTS``), so a tool that pinned or trusted it keeps working; one that expires soon or misses a
name is made again (a client checking it would refuse the name it does not carry), and the caller says why.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..reach import WILDCARDS
from .output import EXIT_USAGE, CliError
from .private_files import write_private

FOLDER = "gateway-tls"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
VALID_DAYS = 365
RENEW_BEFORE = dt.timedelta(days=7)


#: Names every certificate carries: what a client on this machine calls the gateway without being told.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    #: Why a new pair was made (``None``: the kept one serves), for the start-up's log line.
    made_because: str | None


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def names_for(hosts: Iterable[str]) -> list[x509.GeneralName]:
    """localhost and the loopback addresses always; every host the gateway answers to too, name or address
    (``--host``, this machine's network address when that is every interface, and ``SLS_ALLOWED_HOSTS``),
    once each, in order; a wildcard (``reach.WILDCARDS``) names no host of its own to certify."""
    wanted = dict.fromkeys([*LOOPBACK_NAMES, *(h.strip().lower() for h in hosts)])
    return [_general_name(name) for name in wanted if name not in WILDCARDS]


def _why_new(cert_path: Path, key_path: Path, names: list[x509.GeneralName], now: dt.datetime) -> str | None:
    """Why the kept pair cannot serve (``None``: it can): missing, unreadable, soon expired, or not naming
    a host the gateway answers to."""
    if not (cert_path.is_file() and key_path.is_file()):
        return "none was kept"
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        carried = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound):
        return "the kept one is unreadable"
    if not _same_key(key.public_key(), cert.public_key()):
        # gunicorn loads the pair per connection, not at start: the gateway "started" and failed every
        # handshake, the TLS error in no line of its log
        return "the kept key is not the certificate's"
    if cert.not_valid_after_utc - now <= RENEW_BEFORE:
        return "the kept one expires within a week"
    missing = [str(name.value) for name in names if name not in carried]
    if missing:
        return f"the kept one does not name {', '.join(missing)}"
    return None


def _same_key(one: Any, other: Any) -> bool:
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return bool(one.public_bytes(*spki) == other.public_bytes(*spki))


def ensure_certificate(data_dir: Path, hosts: Iterable[str]) -> Certificate:
    """The certificate and key in ``data_dir/gateway-tls`` naming ``hosts`` (and the loopback names): the
    kept pair, or a new one (ECDSA P-256) and why. A pair that cannot be written there (a file where the
    folder must be, a folder where a file must be) stops the start: ``CliError`` naming ``--tls``, exit 2."""
    try:
        return _ensure(data_dir, hosts)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else data_dir / FOLDER
        raise CliError(
            f"--tls: the certificate cannot be kept at {where}: {exc.strerror or exc}", EXIT_USAGE
        ) from None


def _ensure(data_dir: Path, hosts: Iterable[str]) -> Certificate:
    folder = data_dir / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    now = dt.datetime.now(dt.UTC)
    names = names_for(hosts)
    why = _why_new(cert_path, key_path, names, now)
    if why is None:
        return Certificate(cert_path, key_path, None)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sls-emulator gateway mode (self-signed)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(key_path, key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, why)
