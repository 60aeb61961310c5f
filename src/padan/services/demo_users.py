"""The demo role set: one web user per role, so one person can try every task of the web app
(``padan demo --users``, ``padan user demo``)."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from padan.access.policy import Principal
from padan.services.accounts import add_account
from padan.store import Store
from padan.store.users import find_user, set_must_change_password

__all__ = ["DEMO_USERS", "DemoUser", "demo_users"]


#: The demo role set: a user per role of the default policy, and what each one can try
#: (in Bahasa Indonesia; ``padan demo`` prints them in its run's language, padan.cli.web_cmd).
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("demo-admin", "admin", "pengguna & token API, unggah data, proses pemadanan, log audit"),
    ("demo-kpai", "analis_kpai", "dasbor, cari anak, unggah data KPAI, daftar tindak lanjut"),
    ("demo-kemensos", "analis_kemensos", "daftar tindak lanjut, lembaga, pengawasan, data DTSEN"),
    ("demo-daerah", "petugas_daerah", "satu provinsi: dasbor, daftar tindak lanjut, lembaga"),
    ("demo-peninjau", "peninjau", "antrian tinjauan pemadanan, duplikat lembaga"),
    ("demo-auditor", "auditor", "log audit: siapa melihat data anak mana, dan untuk apa"),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo user: ``password`` is its one-time password (``None``: the user was there already
    and keeps its password)."""

    username: str
    role: str
    region: str | None
    tasks: str
    password: str | None


def demo_users(store: Store, actor: Principal, *, region: str | None = None) -> list[DemoUser]:
    """Add :data:`DEMO_USERS` to the store, each with a generated one-time password that must be
    changed at the first login; audited as ``actor``'s account changes.

    The regional officer gets ``region`` (default: the province with the most DTSEN records).
    A name already taken is left as it is (its password is never reset). Raises
    :class:`~padan.errors.InputError` from the account rules (e.g. an unknown ``region``).
    """
    province = region or _busiest_province(store)
    made = []
    for username, role, tasks in DEMO_USERS:
        where = province if role == "petugas_daerah" else None
        if find_user(store, username) is not None:
            made.append(DemoUser(username, role, where, tasks, None))
            continue
        password = secrets.token_urlsafe(12)  # 16 characters, ~96 bits
        add_account(store, actor, username, role=role, password=password, region=where)
        set_must_change_password(store, username, True)
        made.append(DemoUser(username, role, where, tasks, password))
    return made


def _busiest_province(store: Store) -> str:
    counts = Counter(
        str(r["kode_wilayah"])[:2]
        for r in store.fetch_records("dtsen_individu")
        if r.get("kode_wilayah")
    )
    return counts.most_common(1)[0][0] if counts else "32"
