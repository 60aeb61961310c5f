"""Entry point: stream a synthetic DTSEN extract, KPAI complaints, institutions and the truth."""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from padan.errors import InputError
from padan.synth.complaints import KPAI_COLUMNS, ROWS_PER_COMPLAINT, ComplaintPlanner
from padan.synth.dtsen import DtsenWriter
from padan.synth.extras import parse_sources
from padan.synth.households import HouseholdMaker
from padan.synth.institutions import LEMBAGA_COLUMNS, cross_agency_duplicates, institutions
from padan.synth.intake import IntakeWriter
from padan.synth.names import NameMaker
from padan.synth.people import Household, Registry
from padan.synth.places import Geography
from padan.synth.profiles import DEFAULT_PROFILE, profile_for
from padan.synth.sources import ExtraSources

__all__ = ["FILE_NAMES", "LEMBAGA_TRUTH_COLUMNS", "TRUTH_COLUMNS", "SynthSummary", "generate"]

FILE_NAMES: Final = {
    "dtsen": "dtsen_individu.csv",
    "kpai": "kpai_kasus.csv",
    "lembaga": "lembaga.csv",
    "truth": "truth.csv",
    "lembaga_truth": "lembaga_truth.csv",
}
TRUTH_COLUMNS: Final = ("source", "source_id", "person_id")
LEMBAGA_TRUTH_COLUMNS: Final = ("id_lembaga", "institution_id")
_PROGRESS_EVERY: Final = 1000


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    out_dir: Path
    #: keys: "dtsen", "kpai", "lembaga", "truth", "lembaga_truth", and any extra source written
    #: ("kemensos", "simfoni").
    files: dict[str, Path]
    households: int
    dtsen_rows: int
    kpai_rows: int
    lembaga_rows: int
    persons: int  # distinct person_id in truth
    lembaga_duplicates: int = 0  # rows of lembaga.csv that repeat an institution (KPAI ids)
    profile: str = DEFAULT_PROFILE
    dense: bool = False
    #: Situations injected, by name (empty for the standard profile, which does not count).
    situations: dict[str, int] = field(default_factory=dict)
    #: Rows of each extra source written ("kemensos", "simfoni"); empty when none was asked for.
    extra_rows: dict[str, int] = field(default_factory=dict)


def generate(
    out_dir: Path,
    *,
    households: int = 2000,
    seed: int = 42,
    regions: Sequence[str] | None = None,
    rows_per_complaint: int = ROWS_PER_COMPLAINT,
    profile: str = DEFAULT_PROFILE,
    dense: bool = False,
    sources: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic, reproducible test population to ``out_dir``.

    Files: ``dtsen_individu.csv`` (all members of ``households`` households, ~4 rows each, plus
    ~1.5 % double registrations), ``kpai_kasus.csv`` (one complaint per ``rows_per_complaint``
    DTSEN rows, 40 by default), ``lembaga.csv`` (one institution per 500 households, at least 10,
    plus about a quarter of them reported again by KPAI under ``KPAI-L`` ids with variant names
    and addresses), ``truth.csv`` (``source,source_id,person_id`` for every DTSEN and KPAI row)
    and ``lembaga_truth.csv`` (``id_lembaga,institution_id`` for every institution row).

    ``regions`` restricts the villages to the given Kemendagri codes at any level (dotted or
    not); by default a fixed mix of nine regencies from Java, Sumatra, Bali, NTT, Sulawesi and
    Papua is used. ``progress(done, total)`` is called every 1,000 households and at the end.
    ``profile`` picks the error model (see :data:`padan.synth.PROFILES`); ``standard`` is the
    original one. Other profiles add the ``status_padan_dukcapil`` column to the DTSEN file and
    count what they inject in :attr:`SynthSummary.situations`. ``dense`` puts 92 % of the
    households in six regencies and concentrates first tokens and full names as real registries
    do (Muhammad and its forms >= 5.6 % of names).

    ``sources`` adds extra sources about the same people: ``kemensos`` writes
    ``kemensos_layanan.csv`` (ATENSI services, mostly to ABH, victims, disabled children and
    children in care, some to children in no other file), ``simfoni`` writes
    ``simfoni_kasus.csv`` (SIMFONI-PPA victims, partly KPAI's children); ``all`` means both.
    Their truth rows (sources ``kemensos`` and ``simfoni``) are appended to ``truth.csv``; every
    other file, and the rows of ``truth.csv`` before them, stay byte-identical to a run without.

    The same arguments always give byte-identical files. Raises :class:`InputError` for an
    unusable region code, household count or profile name.
    """
    chosen = profile_for(profile)
    extra_names = parse_sources(sources)
    if households < 1:
        raise InputError(f"households: {households} is too small. Give a count of 1 or more.")
    if rows_per_complaint < 1:
        raise InputError(
            f"rows per complaint: {rows_per_complaint} is too small. Give a count of 1 or more."
        )
    geography = Geography(regions, dense=dense)  # validates the codes before any file is touched
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {key: out_dir / name for key, name in FILE_NAMES.items()}
    # One generator for everything, consumed in a fixed order: reproducible by construction.
    rng = random.Random(seed)
    registry = Registry()
    names = NameMaker(dense=dense, ni_luh=chosen.ni_luh)
    maker = HouseholdMaker(geography, names, registry, chosen)
    dtsen = DtsenWriter(chosen, registry, geography)
    intake = None if chosen.standard else IntakeWriter(chosen, registry, geography)
    planner = ComplaintPlanner(rows_per_complaint, row_writer=intake.row if intake else None)
    extras = None
    if extra_names:
        extras = ExtraSources(
            extra_names, seed=seed, profile=chosen, registry=registry, geography=geography
        )
    dtsen_rows = members = 0
    family: Counter[str] = Counter()
    with (
        files["dtsen"].open("w", encoding="utf-8", newline="") as dtsen_handle,
        files["truth"].open("w", encoding="utf-8", newline="") as truth_handle,
    ):
        dtsen_out = csv.writer(dtsen_handle, lineterminator="\n")
        truth_out = csv.writer(truth_handle, lineterminator="\n")
        dtsen_out.writerow(dtsen.columns)
        truth_out.writerow(TRUTH_COLUMNS)
        household = None
        for hid in range(1, households + 1):
            household = maker.make(rng, hid)
            members += len(household.members)
            for row, pid in dtsen.rows(rng, household):
                dtsen_out.writerow(row)
                truth_out.writerow(("dtsen", row[0], f"P{pid:08d}"))
                dtsen_rows += 1
            if not chosen.standard:
                _count_family(family, household)
            planner.consider(rng, household, dtsen_rows)
            if extras is not None:
                extras.consider(household)
            if progress is not None and hid % _PROGRESS_EVERY == 0:
                progress(hid, households)
        if household is not None:
            for row, pid in dtsen.leftovers(rng, household):
                dtsen_out.writerow(row)
                truth_out.writerow(("dtsen", row[0], f"P{pid:08d}"))
                dtsen_rows += 1
        planner.add_absent(rng, maker, households + 1)
        with files["kpai"].open("w", encoding="utf-8", newline="") as kpai_handle:
            kpai_out = csv.writer(kpai_handle, lineterminator="\n")
            kpai_out.writerow(KPAI_COLUMNS)
            kpai_rows = planner.write(rng, kpai_out, truth_out)
    originals = list(institutions(rng, geography, households))
    repeated = list(cross_agency_duplicates(rng, originals))
    with (
        files["lembaga"].open("w", encoding="utf-8", newline="") as handle,
        files["lembaga_truth"].open("w", encoding="utf-8", newline="") as truth_handle,
    ):
        out = csv.writer(handle, lineterminator="\n")
        truth = csv.writer(truth_handle, lineterminator="\n")
        out.writerow(LEMBAGA_COLUMNS)
        truth.writerow(LEMBAGA_TRUTH_COLUMNS)
        for row in originals:
            out.writerow(row)
            truth.writerow((row[0], row[0]))
        for row, original in repeated:
            out.writerow(row)
            truth.writerow((row[0], original))
    lembaga_rows = len(originals) + len(repeated)
    extra = None
    if extras is not None:
        extra = extras.finish(
            planner=planner,
            maker=maker,
            hid=households + 2,
            institutions=originals,
            out_dir=out_dir,
            truth_path=files["truth"],
        )
        files.update(extra.files)
    if progress is not None and households % _PROGRESS_EVERY:
        progress(households, households)
    # Every member of a written household has exactly one original row (duplicates reuse the
    # person id); each child absent from DTSEN adds one person.
    persons = members + sum(1 for child in planner.children if not child.in_dtsen)
    if extra is not None:
        persons += extra.new_persons
    situations: Counter[str] = Counter()
    if not chosen.standard:
        situations.update(dtsen.counts)
        situations.update(family)
        if intake is not None:
            situations.update(intake.counts)
        if extra is not None:
            situations.update(extra.situations)
    return SynthSummary(
        out_dir,
        files,
        households,
        dtsen_rows,
        kpai_rows,
        lembaga_rows,
        persons,
        len(repeated),
        chosen.name,
        dense,
        dict(sorted(situations.items())),
        dict(extra.rows) if extra is not None else {},
    )


def _count_family(counts: Counter[str], household: Household) -> None:
    """Twins, near-identical sibling names and retired NIK prefixes of a written household."""
    for person in household.members:
        if person.twin and person.pid < person.twin:
            counts["twin_pairs"] += 1
        if person.similar_to:
            counts["twin_similar_name" if person.twin else "sibling_similar_name"] += 1
        if person.old_nik:
            counts["nik_retired_papua_prefix"] += 1
