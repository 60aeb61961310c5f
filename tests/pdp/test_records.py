"""padan.pdp.records: the ROPA and the DPIA say what the policy enforces."""

from __future__ import annotations

import copy
import json
import tomllib
from importlib import resources

from padan.pdp import dpia, dpia_markdown, load_pdp_policy, parse_pdp_policy, ropa, ropa_markdown


def test_ropa_has_one_activity_per_purpose_with_the_roles_fields() -> None:
    doc = ropa(load_pdp_policy())
    activities = {a["purpose"]: a for a in doc["activities"]}
    assert set(activities) == {"pemadanan", "tindak_lanjut", "pengawasan"}
    follow_up = activities["tindak_lanjut"]
    roles = {r["role"]: r for r in follow_up["roles"]}
    # The regional officer: its region only, full NIK, the fields of its groups (policy.toml).
    officer = roles["petugas_daerah"]
    assert (officer["scope"], officer["nik"]) == ("region", "full")
    assert "nik_anak" in officer["fields"] and "klaster" not in officer["fields"]
    assert [r["label"] for r in follow_up["recipients"]][-1].startswith("Dinas Sosial")
    kept = {t["source"]: (t["keep_years"], t["action"]) for t in follow_up["retention"]}
    assert kept == {"kpai": (5, "pseudonymise"), "dtsen": (2, "delete")}
    assert activities["pengawasan"]["specific_data"] is None  # no children's records
    json.dumps(doc)


def test_ropa_markdown_names_every_purpose_role_and_retention() -> None:
    doc = ropa(load_pdp_policy())
    text = ropa_markdown(doc)
    for activity in doc["activities"]:
        assert activity["label"] in text
    assert "| Petugas daerah | region | full |" in text
    assert "| kpai | 5 years | tanggal_pengaduan | pseudonymise | all |" in text


def test_dpia_criteria_follow_the_policy() -> None:
    doc = dpia(load_pdp_policy())
    criteria = {c["criterion"][0]: c["applies"] for c in doc["high_risk_criteria"]}
    assert criteria == {"b": True, "c": None, "d": True, "e": True}
    risks = [r["risk"] for r in doc["risks"]]
    assert "petugas_daerah sees full NIK and KK numbers in its own region" in risks
    assert "peninjau sees full NIK and KK numbers nationally" in risks
    assert not any("outside Indonesia" in r for r in risks)
    assert "## High-risk criteria" in dpia_markdown(doc)


def test_dpia_names_a_recipient_abroad_when_the_policy_has_one() -> None:
    text = (resources.files("padan.access") / "policy.toml").read_text(encoding="utf-8")
    data = copy.deepcopy(tomllib.loads(text))
    data["recipients"]["pemda"]["abroad"] = True
    doc = dpia(parse_pdp_policy(data))
    assert "recipient pemda is outside Indonesia" in [r["risk"] for r in doc["risks"]]
