"""The opt-in extra sources of a synthetic run: Kemensos services and SIMFONI-PPA cases.

:func:`padan.synth.generate` creates an :class:`ExtraSources` when ``sources`` names any, lets it
see every written DTSEN household, and calls :meth:`ExtraSources.finish` once the DTSEN, KPAI and
institution files are complete. Each source has its own random generator (see
:func:`padan.synth.extras.extra_rng`), so the other files do not change.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from padan.synth.complaints import ComplaintPlanner
from padan.synth.extras import EXTRA_FILE_NAMES, extra_rng, kpai_children
from padan.synth.households import HouseholdMaker
from padan.synth.people import Household, Registry
from padan.synth.places import Geography
from padan.synth.profiles import Profile
from padan.synth.services import KEMENSOS_COLUMNS, ServicePlanner
from padan.synth.simfoni import SIMFONI_COLUMNS, CasePlanner

__all__ = ["ExtraResult", "ExtraSources"]


@dataclass(frozen=True)
class ExtraResult:
    """What the extra sources wrote."""

    files: dict[str, Path]  # "kemensos" / "simfoni" → path
    rows: dict[str, int]
    new_persons: int  # people in no other file
    situations: dict[str, int] = field(default_factory=dict)


class ExtraSources:
    """Plans and writes the extra sources named in ``sources`` (validated beforehand)."""

    def __init__(
        self,
        sources: Sequence[str],
        *,
        seed: int,
        profile: Profile,
        registry: Registry,
        geography: Geography,
    ) -> None:
        self.profile = profile
        self.cases = (
            CasePlanner(extra_rng(seed, "simfoni"), profile, registry, geography)
            if "simfoni" in sources
            else None
        )
        self.services = (
            ServicePlanner(extra_rng(seed, "kemensos"), profile, registry, geography)
            if "kemensos" in sources
            else None
        )

    def consider(self, household: Household) -> None:
        """See one written DTSEN household (after its rows and the complaint planner)."""
        if self.cases is not None:
            self.cases.consider(household)
        if self.services is not None:
            self.services.consider(household)

    def finish(
        self,
        *,
        planner: ComplaintPlanner,
        maker: HouseholdMaker,
        hid: int,
        institutions: Sequence[list[str]],
        out_dir: Path,
        truth_path: Path,
    ) -> ExtraResult:
        """Plan from the written KPAI file and institutions, write the files and append their
        truth rows to ``truth_path``."""
        kpai = kpai_children(planner)
        files: dict[str, Path] = {}
        rows: dict[str, int] = {}
        situations: Counter[str] = Counter()
        new: set[int] = set()
        with truth_path.open("a", encoding="utf-8", newline="") as truth_handle:
            truth = csv.writer(truth_handle, lineterminator="\n")
            victims = []
            if self.cases is not None:
                self.cases.plan(kpai, maker, hid)
                files["simfoni"] = out_dir / EXTRA_FILE_NAMES["simfoni"]
                with files["simfoni"].open("w", encoding="utf-8", newline="") as handle:
                    out = csv.writer(handle, lineterminator="\n")
                    out.writerow(SIMFONI_COLUMNS)
                    rows["simfoni"] = self.cases.write(out, truth, _units(institutions))
                victims = [(case.subject, case.reported) for case in self.cases.cases]
                new |= self.cases.new_pids
                situations.update({f"simfoni_{k}": n for k, n in self.cases.counts.items()})
            if self.services is not None:
                self.services.plan(kpai, victims, _lks(institutions), maker, hid)
                files["kemensos"] = out_dir / EXTRA_FILE_NAMES["kemensos"]
                with files["kemensos"].open("w", encoding="utf-8", newline="") as handle:
                    out = csv.writer(handle, lineterminator="\n")
                    out.writerow(KEMENSOS_COLUMNS)
                    rows["kemensos"] = self.services.write(out, truth)
                new |= self.services.new_pids
                situations.update({f"kemensos_{k}": n for k, n in self.services.counts.items()})
        if self.profile.standard:
            situations.clear()  # the standard profile does not count what it injects
        return ExtraResult(files, rows, len(new), dict(sorted(situations.items())))


def _regency(code: str) -> str:
    digits = code.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}"


def _lks(institutions: Sequence[list[str]]) -> list[tuple[str, str]]:
    """``(id_lembaga, regency)`` of the child-care institutions that deliver ATENSI."""
    return [(row[0], _regency(row[3])) for row in institutions if row[2] in ("LKSA", "RPSA")]


def _units(institutions: Sequence[list[str]]) -> dict[str, tuple[str, str]]:
    """Regency → ``(id_lembaga, name)`` of its UPTD PPA in the institution file."""
    return {_regency(row[3]): (row[0], row[1]) for row in institutions if row[2] == "UPTD_PPA"}
