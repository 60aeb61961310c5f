"""Eligibility rules per program, as data: a TOML file with Padan's defaults, overridable."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from padan.domain.values import KATEGORI_PASAL59
from padan.errors import InputError

__all__ = ["AtensiRule", "InclusionRule", "ProgramRule", "Rules", "default_rules", "load_rules"]

_AID_COLUMN = Literal[
    "penerima_pkh", "penerima_sembako", "penerima_pbi_jk", "penerima_pip", "penerima_atensi"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramRule(_Strict):
    """Who should receive a program: a desil range and, optionally, an age range."""

    label: str
    column: _AID_COLUMN
    desil_min: int = Field(1, ge=1, le=10)
    desil_max: int = Field(ge=1, le=10)
    age_min: int | None = Field(None, ge=0, le=25)
    age_max: int | None = Field(None, ge=0, le=25)

    @model_validator(mode="after")
    def _ranges(self) -> ProgramRule:
        if self.desil_min > self.desil_max:
            raise ValueError(f"desil_min {self.desil_min} is above desil_max {self.desil_max}")
        if None not in (self.age_min, self.age_max) and self.age_min > self.age_max:  # type: ignore[operator]
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")
        return self


class InclusionRule(_Strict):
    """Aid received at or above ``min_desil`` is an inclusion signal."""

    min_desil: int = Field(6, ge=1, le=10)
    programs: tuple[str, ...]


class AtensiRule(_Strict):
    """KPAI categories that should be reached by ATENSI."""

    abh_kategori: tuple[str, ...] = ("b",)
    victim_kategori: tuple[str, ...] = ("d", "i", "j")
    #: An ABH child still without ATENSI this many days after its first ABH complaint counts
    #: in the trend indicator ``abh_without_atensi_after_days`` (see rules.toml for the reason).
    abh_wait_days: int = Field(default=30, ge=1, le=3650)
    #: Thresholds of "first service within N days of the first complaint or SIMFONI-PPA
    #: report" (one indicator each; see rules.toml for the reasons).
    service_within_days: tuple[int, ...] = (30, 90)

    @model_validator(mode="after")
    def _known(self) -> AtensiRule:
        days = self.service_within_days
        if any(d < 1 or d > 3650 for d in days) or len(set(days)) != len(days):
            raise ValueError(
                f"service_within_days {list(days)}: give distinct day counts from 1 to 3650"
            )
        unknown = set(self.abh_kategori + self.victim_kategori) - set(KATEGORI_PASAL59)
        if unknown:
            raise ValueError(f"unknown kategori {sorted(unknown)}; use letters a-o of Pasal 59(2)")
        return self


class Rules(_Strict):
    """All rules a report applies. ``digest`` identifies them in the report's snapshot."""

    programs: dict[str, ProgramRule]
    inclusion: InclusionRule
    atensi: AtensiRule = AtensiRule()
    source: str = "default"
    digest: str = ""

    @model_validator(mode="after")
    def _programs(self) -> Rules:
        if "pkh" not in self.programs:
            raise ValueError("a [programs.pkh] rule is required (its indicator is in every report)")
        for key in self.programs:
            if not key.isidentifier() or not key.islower():
                raise ValueError(f"program key {key!r} must be lower-case letters, digits and _")
        unknown = set(self.inclusion.programs) - set(self.programs)
        if unknown:
            raise ValueError(f"inclusion.programs names unknown programs {sorted(unknown)}")
        return self


def _parse(text: str, source: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc}). Fix the file's syntax.") from exc
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    try:
        return Rules.model_validate({**data, "source": source, "digest": digest})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(
            f"{source}: eligibility rules not usable ({problems}). "
            "See the defaults in padan/analysis/data/rules.toml."
        ) from exc


def default_rules() -> Rules:
    """Padan's embedded defaults (PKH desil ≤ 4, Sembako and PBI-JK ≤ 5, PIP school age ≤ 4)."""
    text = (resources.files("padan.analysis") / "data" / "rules.toml").read_text(encoding="utf-8")
    return _parse(text, "default")


def load_rules(path: Path | None = None) -> Rules:
    """Rules from a TOML file shaped like the defaults, or the defaults when ``path`` is None.

    Raises :class:`InputError` for a missing file, bad TOML or invalid rules.
    """
    if path is None:
        return default_rules()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the rules file ({exc.strerror})") from exc
    return _parse(text, str(path))
