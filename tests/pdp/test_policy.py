"""padan.pdp.policy: the data-protection sections of policy.toml are read, and a bad policy is
refused with the file, section, key and value seen."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from padan.errors import InputError
from padan.pdp import load_pdp_policy, parse_pdp_policy


def _data() -> dict[str, Any]:
    text = (resources.files("padan.access") / "policy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_policy_of_the_web_app_reads_with_every_role_and_source() -> None:
    policy = load_pdp_policy()
    assert set(policy.sources) == {"kpai", "dtsen", "kemensos", "simfoni"}
    assert policy.sources["simfoni"].extract == "simfoni_kasus"
    assert policy.sources["kpai"].owner == "KPAI"
    assert policy.sources["dtsen"].action == "delete"
    assert set(policy.roles) == {
        "admin",
        "analis_kpai",
        "analis_kemensos",
        "petugas_daerah",
        "peninjau",
        "auditor",
    }
    # Every role that sees children's records serves a purpose.
    served = {r for p in policy.purposes.values() for r in p.roles}
    assert {r.name for r in policy.roles.values() if r.sources} <= served


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, key = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        if value is _DELETE:
            del node[key]
        else:
            node[key] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("sources", _DELETE), r"the \[sources\] section is missing"),
        (_set("sources.kpai.keep_years", 0), r"\[sources.kpai\] keep_years: expected a whole"),
        (_set("sources.kpai.keep_years", "5"), r"keep_years: expected a whole number ≥ 1, got '5'"),
        (_set("sources.kpai.action", "shred"), r"\[sources.kpai\] action: expected 'pseudo"),
        (_set("sources.kpai.counted_from", "nama_anak"), r"counted_from: expected \"ingested\""),
        (_set("sources.dtsen.identifying", ["nik", "shoe"]), r"identifying: expected names"),
        (_set("sources.dtsen.extract", "people"), r"\[sources.dtsen\] extract: 'people'"),
        (_set("sources.kpai.owner", ""), r"\[sources.kpai\] owner: expected a non-empty text"),
        (_set("purposes.pemadanan.roles", ["admin", "hacker"]), r"roles: expected names among"),
        (_set("purposes.pemadanan.sources", ["bpjs"]), r"\[purposes.pemadanan\] sources"),
        (_set("recipients.kpai.abroad", "no"), r"abroad: expected true or false"),
        (_set("exports.keep_days", -3), r"\[exports\] keep_days"),
        (_set("roles.peninjau.sources", ["kpai", "bpjs"]), r"\['bpjs'\] have no \[sources"),
        (_set("purposes.pemadanan.roles", ["admin"]), r"\[roles.analis_kpai\]|\[roles.peninjau\]"),
    ],
)
def test_policy_bad_values_are_refused_where_they_are(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(InputError, match=message):
        parse_pdp_policy(data, where="policy.toml")


def test_policy_file_that_is_not_toml_or_missing_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "policy.toml"
    broken.write_text("[sources\nkpai = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"{broken}: not valid TOML"):
        load_pdp_policy(broken)
    with pytest.raises(InputError, match="cannot read the policy file"):
        load_pdp_policy(tmp_path / "missing.toml")
