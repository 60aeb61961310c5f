"""The record of processing activities (ROPA) and the DPIA export, generated from the policy.

UU 27/2022 asks the controller to record every processing activity and, for high-risk
processing such as matching datasets of children, to assess its impact first (docs/domain.md
§7.1, Pasal 34). Both documents here are read from the same policy the web app enforces, so
they describe what the code does: which roles see which fields where, for which purpose, for
how long, and who receives the results.
"""

from __future__ import annotations

import json
from typing import Any

from padan.pdp.policy import PdpPolicy, Purpose

__all__ = ["SECURITY_MEASURES", "as_json", "dpia", "dpia_markdown", "ropa", "ropa_markdown"]

#: What the code enforces on every deployment (docs/security.md says where).
SECURITY_MEASURES = (
    "Peran dan cakupan wilayah dari policy.toml pada setiap halaman, API dan ekspor "
    "(role and regional scope from policy.toml on every page, API answer and export)",
    "NIK disamarkan (6 digit pertama) bagi peran tanpa hak NIK penuh (masked NIK)",
    "Sel kecil (1–4) disembunyikan bagi peran agregat (small-cell suppression)",
    "Log audit berantai HMAC dengan kunci di luar basis data dan checkpoint bertanda tangan "
    "Ed25519 (HMAC-keyed audit chain, signed Ed25519 checkpoints)",
    "Kueri pencarian dicatat hanya sebagai jenis dan hash berkunci (no identifiers in audit rows)",
    "Sesi dengan cookie HttpOnly/SameSite, token CSRF pada setiap formulir, pembatasan percobaan "
    "login (sessions, CSRF tokens, login throttling)",
    "Retensi: pseudonimisasi atau penghapusan setelah masa simpan (padan retention apply)",
)

_SPECIFIC = "Data anak: data pribadi spesifik (UU 27/2022 Pasal 4(2); docs/domain.md §7.1)"


def _fields(policy: PdpPolicy, groups: tuple[str, ...]) -> list[str]:
    return sorted({f for g in groups for f in policy.groups.get(g, ())})


def _activity(policy: PdpPolicy, purpose: Purpose) -> dict[str, Any]:
    roles = [policy.roles[r] for r in purpose.roles]
    sources = [policy.sources[s] for s in purpose.sources]
    return {
        "purpose": purpose.name,
        "label": purpose.label,
        "description": purpose.description,
        "legal_basis": purpose.legal_basis,
        "data_subjects": [s.subjects for s in sources],
        "specific_data": _SPECIFIC if sources else None,
        "sources": [{"source": s.name, "label": s.label, "owner": s.owner} for s in sources],
        "data_categories": sorted({g for r in roles if r.sources for g in r.groups}),
        "roles": [
            {
                "role": r.name,
                "label": r.label,
                "scope": r.scope,
                "nik": r.nik if r.sources else None,
                "field_groups": list(r.groups),
                "fields": _fields(policy, r.groups),
                "permissions": list(r.permissions),
            }
            for r in roles
        ],
        "recipients": [
            {
                "recipient": policy.recipients[name].name,
                "label": policy.recipients[name].label,
                "kind": policy.recipients[name].kind,
                "abroad": policy.recipients[name].abroad,
            }
            for name in purpose.recipients
        ],
        "retention": [
            {
                "source": s.name,
                "keep_years": s.keep_years,
                "counted_from": s.counted_from,
                "action": s.action,
                "applies_to": s.applies_to,
            }
            for s in sources
        ],
    }


def ropa(policy: PdpPolicy) -> dict[str, Any]:
    """The record of processing activities: one activity per purpose of the policy."""
    return {
        "document": "ropa",
        "title": "Catatan kegiatan pemrosesan data pribadi / Record of processing activities",
        "basis": "UU 27/2022: perekaman seluruh kegiatan pemrosesan (docs/domain.md §7.1)",
        "generated_from": policy.path,
        "controller": {"name": policy.controller, "contact": policy.contact},
        "activities": [_activity(policy, p) for p in policy.purposes.values()],
        "exports_keep_days": policy.exports_keep_days,
        "security_measures": list(SECURITY_MEASURES),
    }


def _criteria(policy: PdpPolicy) -> list[dict[str, Any]]:
    """UU 27/2022 Pasal 34(2) criteria of high-risk processing, judged from the policy where it
    can be (``applies`` None: the deployment decides)."""
    uses = [p for p in policy.purposes.values() if p.sources]
    matching = [p.name for p in uses if len(p.sources) > 1]
    worklists = sorted(r.name for r in policy.roles.values() if "worklists" in r.permissions)
    return [
        {
            "criterion": "b: data pribadi spesifik (specific personal data: children's data)",
            "applies": bool(uses),
            "why": f"purposes using children's records: {', '.join(p.name for p in uses)}",
        },
        {
            "criterion": "c: skala besar (large scale)",
            "applies": None,
            "why": "depends on the deployment's number of records; judge it with the store",
        },
        {
            "criterion": "d: evaluasi/pemantauan sistematis (systematic evaluation)",
            "applies": bool(worklists),
            "why": f"roles with named worklists that select children: {', '.join(worklists)}",
        },
        {
            "criterion": "e: pencocokan/penggabungan data (matching or combining datasets)",
            "applies": bool(matching),
            "why": f"purposes matching several sources: {', '.join(matching) or 'none'}",
        },
    ]


def _risks(policy: PdpPolicy) -> list[dict[str, str]]:
    risks: list[dict[str, str]] = []
    for role in policy.roles.values():
        if not role.sources:
            continue
        where = "nationally" if role.scope == "national" else "in its own region"
        if role.nik == "full":
            risks.append(
                {
                    "risk": f"{role.name} sees full NIK and KK numbers {where}",
                    "measure": "every search and profile view is audited with its purpose; "
                    "the role is limited to the field groups " + ", ".join(role.groups),
                }
            )
        if "export" in role.permissions:
            risks.append(
                {
                    "risk": f"{role.name} can export named records {where}",
                    "measure": "exports are audited (who, what, how many rows); export files "
                    f"are deleted after {policy.exports_keep_days} days by padan retention apply",
                }
            )
    for name, recipient in policy.recipients.items():
        if recipient.abroad:
            risks.append(
                {
                    "risk": f"recipient {name} is outside Indonesia",
                    "measure": "a transfer abroad needs the safeguards of UU 27/2022; "
                    "record them here",
                }
            )
    risks.append(
        {
            "risk": "a wrong link joins two children's records (false match)",
            "measure": "doubtful pairs go to human review; a merge across different valid NIKs "
            "needs two reviewers (web app, API and CLI alike); every decision is audited",
        }
    )
    return risks


def dpia(policy: PdpPolicy) -> dict[str, Any]:
    """The data protection impact assessment export: the processing described (the ROPA), the
    high-risk criteria that apply, the risks the policy creates and the measures against them."""
    return {
        "document": "dpia",
        "title": "Penilaian dampak pelindungan data pribadi / Data protection impact assessment",
        "basis": "UU 27/2022 Pasal 34 (docs/domain.md §7.1)",
        "generated_from": policy.path,
        "processing": ropa(policy),
        "high_risk_criteria": _criteria(policy),
        "risks": _risks(policy),
        "to_complete": [
            "Confirm the retention periods with the PKS and the archive retention schedule",
            "Name the data protection officer (DPO) and the contact for data subjects",
            "Judge the scale of the deployment (number of children, regions)",
            "Sign off: controller, DPO; review on every change of policy.toml",
        ],
    }


def _cell(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _activity_markdown(a: dict[str, Any]) -> list[str]:
    sources = [f"{s['label']} ({s['owner']})" for s in a["sources"]]
    recipients = [f"{r['label']} ({r['kind']})" for r in a["recipients"]]
    lines = [
        f"### {a['label']} (`{a['purpose']}`)",
        "",
        a["description"],
        "",
        f"- **Legal basis**: {a['legal_basis']}",
        f"- **Data subjects**: {_cell(a['data_subjects']) or '—'}",
        f"- **Sources**: {_cell(sources) or '—'}",
        f"- **Data categories**: {_cell(a['data_categories']) or '—'}",
        f"- **Recipients**: {_cell(recipients) or '—'}",
    ]
    if a["specific_data"]:
        lines.append(f"- **Specific data**: {a['specific_data']}")
    lines += ["", "| Role | Scope | NIK | Fields |", "|---|---|---|---|"]
    for r in a["roles"]:
        lines.append(
            f"| {_cell(r['label'])} | {r['scope']} | {r['nik'] or '—'} | "
            f"{_cell(r['fields']) or '—'} |"
        )
    if a["retention"]:
        lines += [
            "",
            "| Source | Kept | Counted from | Then | Applies to |",
            "|---|---|---|---|---|",
        ]
        for t in a["retention"]:
            lines.append(
                f"| {t['source']} | {t['keep_years']} years | {t['counted_from']} | "
                f"{t['action']} | {t['applies_to']} |"
            )
    return [*lines, ""]


def ropa_markdown(doc: dict[str, Any], *, heading: str = "#") -> str:
    """The ROPA of :func:`ropa` as Markdown."""
    lines = [
        f"{heading} {doc['title']}",
        "",
        f"{doc['basis']}. Generated from `{doc['generated_from']}`.",
        "",
        f"- **Controller**: {doc['controller']['name']}",
        f"- **Contact**: {doc['controller']['contact']}",
        f"- **Export files kept**: {doc['exports_keep_days']} days",
        "",
        f"{heading}# Processing activities",
        "",
    ]
    for activity in doc["activities"]:
        lines += _activity_markdown(activity)
    lines += [f"{heading}# Security measures", ""]
    lines += [f"- {m}" for m in doc["security_measures"]]
    return "\n".join(lines) + "\n"


def dpia_markdown(doc: dict[str, Any]) -> str:
    """The DPIA of :func:`dpia` as Markdown."""
    lines = [f"# {doc['title']}", "", f"{doc['basis']}. Generated from `{doc['generated_from']}`."]
    lines += ["", "## High-risk criteria", "", "| Criterion | Applies | Why |", "|---|---|---|"]
    for c in doc["high_risk_criteria"]:
        applies = {True: "yes", False: "no", None: "to judge"}[c["applies"]]
        lines.append(f"| {c['criterion']} | {applies} | {_cell(c['why'])} |")
    lines += ["", "## Risks and measures", "", "| Risk | Measure |", "|---|---|"]
    lines += [f"| {_cell(r['risk'])} | {_cell(r['measure'])} |" for r in doc["risks"]]
    lines += ["", "## To complete before go-live", ""]
    lines += [f"- [ ] {item}" for item in doc["to_complete"]]
    lines += ["", ropa_markdown(doc["processing"], heading="##")]
    return "\n".join(lines)


def as_json(doc: dict[str, Any]) -> str:
    """A document as indented JSON (UTF-8 text, names kept as written)."""
    return json.dumps(doc, ensure_ascii=False, indent=2)
