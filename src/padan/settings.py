"""Typed settings, read from the environment (prefix ``PADAN_``) when asked for, never at import."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "SettingsError", "get_settings"]


class SettingsError(ValueError):
    """A ``PADAN_*`` variable (or an override) cannot be read. The message names the variable,
    the value seen and the form expected; the CLI and the web app show it as bad input."""


class Settings(BaseSettings):
    """Runtime settings. Every field can be set as ``PADAN_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PADAN_", extra="ignore")

    #: SQLAlchemy URL of the store. Default: an SQLite file in the working directory.
    database_url: str = "sqlite:///padan.db"
    #: Where the trained linkage model is kept (Splink JSON with Padan's training metadata).
    model_path: Path = Path("padan-model.json")
    #: Where Splink trains and scores: ``duckdb`` (in process) or ``spark`` (pip install
    #: 'padan[spark]', Java 17). Features, NIK rules and clustering stay in DuckDB.
    linkage_engine: str = "duckdb"
    #: Spark master URL for the spark engine: ``local[2]``, ``spark://host:7077``, ``yarn``.
    spark_master: str = "local[2]"
    #: Directory for the Parquet exchange with Spark (must be visible to every executor on a
    #: cluster, e.g. a shared mount). Default: the system temporary directory.
    spark_exchange_dir: Path | None = None
    #: Shuffle partitions for Spark (a few per core).
    spark_partitions: int = 8
    #: Web session cookies with ``Secure`` (sent over HTTPS only): ``1`` or ``0``. Unset,
    #: ``padan serve`` sends them so except on a loopback address (plain HTTP on this machine);
    #: set ``1`` behind a TLS proxy that forwards to a loopback port. An app built by
    #: ``padan.web.app:app_from_environment`` with it unset sends them so.
    web_secure_cookies: bool | None = None
    #: The audit log's keys (HMAC key of the chain, Ed25519 key of the checkpoints): a JSON file
    #: with mode 600, kept outside the database and out of the database's backups. Made by
    #: ``padan audit init-keys`` or on the first audit write.
    audit_key_file: Path = Path("padan-audit.key")
    #: Where signed checkpoints of the audit chain are written (outside the store; ideally a
    #: mount the database's users cannot write).
    audit_checkpoint_dir: Path = Path("padan-audit-checkpoints")
    #: Write a checkpoint after every this many audit rows (0: only on ``padan audit checkpoint``).
    audit_checkpoint_every: int = 500
    #: The local user the CLI acts as (a user of ``padan user add``; ``padan --as NAME``
    #: overrides it): review decisions, account changes and the audit log name this user, and
    #: the policy of their role applies as on the web.
    cli_user: str | None = None
    #: Days an API token made by ``padan token create`` lives unless ``--days`` says otherwise;
    #: ``0`` makes tokens that never expire (not recommended).
    token_days: int = 90
    #: Reverse proxies whose ``X-Forwarded-For`` header is believed (addresses or CIDR networks,
    #: comma-separated, e.g. ``127.0.0.1`` for a proxy on this machine). Default: none, so the
    #: login throttle counts per connecting address and a forged header changes nothing.
    trusted_proxies: str = ""
    #: The largest upload the web app and API accept, in bytes (default 512 MiB); larger
    #: files go through ``padan ingest`` on the server.
    upload_max_bytes: int = 512 * 2**20
    #: The language of the CLI's output for people (``padan --lang`` overrides it): ``id``
    #: (Bahasa Indonesia, the default) or ``en``. JSON output keeps its keys in any language.
    lang: str = "id"
    #: The largest share (0-1) of a source's current records, in the snapshot's scope, that
    #: ``padan ingest --snapshot`` may retire without ``--allow-large-removal`` (default 0.2,
    #: 20 %): a truncated export would otherwise retire most of the registry.
    snapshot_max_removal: float = Field(default=0.2, ge=0.0, le=1.0)
    #: The registry's ``sender_id`` in the DCI registry API's answers and callbacks.
    dci_registry_id: str = "padan"
    #: Hosts the DCI registry API may send asynchronous answers (``on-search`` ...) to: the
    #: partners' callback hosts, ``host`` or ``host:port``, comma-separated. Default: none, so
    #: an asynchronous request is refused (``err.sender_uri.invalid``) rather than sent anywhere.
    dci_callback_hosts: str = ""
    #: The DCI registry's Ed25519 signing key (made on first use, mode 600; its public half is
    #: served at ``/.well-known/jwks.json``).
    dci_key_file: Path = Path("padan-dci.key")
    #: The partners' public keys (a JWKS file of Ed25519 keys, ``kid`` = ``sender_id|key_id``):
    #: a sender with a key here must sign its messages. Default: none.
    dci_partner_keys: Path | None = None
    #: ``1``: every DCI sender must have a key in ``PADAN_DCI_PARTNER_KEYS`` and sign.
    dci_require_signatures: bool = False
    #: Which Padan users may send as which DCI partner: ``sender_id=user``, comma-separated (a
    #: sender id may be named with several users). Set, a message is taken only when its
    #: ``sender_id`` is listed for the token's user; default: none, any ``sender_id`` is taken.
    dci_senders: str = ""
    #: Padan as a DCI client (``padan dci verify``): the base URL of the external social
    #: registry to ask (e.g. a DTSEN service; Padan posts to ``{url}/registry/sync/search``).
    dci_client_url: str = ""
    #: The bearer token the external registry gave Padan. A secret: set it in the environment,
    #: never in a file of the repository.
    dci_client_token: str = Field(default="", repr=False)
    #: The external registry's ``sender_id`` (sent as ``receiver_id``); empty: not sent.
    dci_client_receiver_id: str = ""
    #: Seconds to wait for each answer of the external registry.
    dci_client_timeout: float = Field(default=30.0, gt=0, le=600)
    #: The external registry's public keys (a JWKS file, ``kid`` = ``sender_id|key_id``): set,
    #: every answer must carry its valid signature. Default: none (the TLS connection vouches).
    dci_client_registry_keys: Path | None = None

    def environment(self) -> dict[str, str]:
        """These settings as ``PADAN_*`` environment variables (unset ones left out), for a
        process that builds its own settings, such as a ``padan serve --workers`` worker."""
        env: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, bool):
                env[f"PADAN_{name.upper()}"] = "1" if value else "0"
            elif value is not None:
                env[f"PADAN_{name.upper()}"] = str(value)
        return env


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment; explicit ``overrides`` (e.g. ``--db``) win.

    ``None`` overrides are ignored so CLI flags that were not given fall back to the environment.
    Raises :class:`SettingsError` naming the variable, the value seen and the form expected when
    a ``PADAN_*`` variable (or an override) cannot be read, e.g. ``PADAN_SNAPSHOT_MAX_REMOVAL=20%``.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [_problem(e, given) for e in exc.errors()]
        raise SettingsError("; ".join(problems)) from None


#: The form of a value of each type, as the error names it.
_KINDS: dict[type, str] = {
    bool: "1 or 0",
    int: "a whole number",
    float: "a number",
    Path: "a path",
    str: "text",
}


def _problem(error: Any, given: dict[str, object]) -> str:
    """One setting that could not be read: which variable, the value seen, the form expected."""
    name = str(error["loc"][0]) if error.get("loc") else "?"
    field = Settings.model_fields.get(name)
    where = name if name in given else f"PADAN_{name.upper()}"
    if field is None:
        return f"{where} is {error.get('input')!r}: {error.get('msg')}"
    kinds = [a for a in get_args(field.annotation) if a is not type(None)]
    origin = get_origin(field.annotation)
    kind = kinds[0] if origin in (Union, types.UnionType) and kinds else field.annotation
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    span = f" from {low} to {high}" if low is not None and high is not None else ""
    expected = _KINDS.get(kind, "a valid value") if isinstance(kind, type) else "a valid value"
    default = "" if field.default is None else f" (default: {field.default})"
    return (
        f"{where} is {error.get('input')!r}, not {expected}{span}; correct it or unset it{default}"
    )
