"""Error messages for people on the web pages, in the user's language.

The library explains an error in English, for developers and the CLI (``str(exc)``: what,
where, the value seen, the fix). A page shows the common ones translated from the catalogs,
keyed by the exception's type and the shape of its message, keeping the specific values
(a file name, a field, a date); a field is named by its label. A message no pattern knows is
shown as it is. The API keeps the English message (its JSON is product).
"""

from __future__ import annotations

import re
from typing import Final

from padan.errors import FileLevelError
from padan.i18n import N_, gettext, label
from padan.i18n.codes import CODES, shown
from padan.web.messages_pprl import pprl_text

__all__ = ["error_text", "message_text", "validation_text"]

#: The fixes a file-level error suggests (padan.ingest), for a person at a web page.
_FIXES: Final = {
    "Check the path and try again.": N_("Check the file and upload it again."),
    "Export the data again.": N_("Export the data again."),
    "Export the data as CSV (UTF-8), XLSX, Parquet or JSON lines.": N_(
        "Export the data as CSV (UTF-8), XLSX, Parquet or JSON lines."
    ),
    "Save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8).": N_(
        "Save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8)."
    ),
    "Write one JSON object per line (JSON lines / .jsonl).": N_(
        "Write one JSON object per line (JSON lines / .jsonl)."
    ),
    "Rename or remove the duplicate column.": N_("Rename or remove the duplicate column."),
    "The first row must name the columns.": N_("The first row must name the columns."),
    "The first row must name the columns, separated by commas or semicolons.": N_(
        "The first row must name the columns, separated by commas or semicolons."
    ),
    "Write one object per line.": N_("Write one JSON object per line."),
    "Open it in a spreadsheet program and save it again as .xlsx.": N_(
        "Open it in a spreadsheet program and save it again as .xlsx."
    ),
    "Export the data again as .xlsx or CSV (UTF-8).": N_(
        "Export the data again as .xlsx or CSV (UTF-8)."
    ),
    "Export the data again, with its rows.": N_("Export the data again, with its rows."),
    # The CLI's fixes name its flags; on the web the officer renames the headers, or an
    # administrator ingests the file on the server with a mapping file.
    "Rename the headers to the exchange format or pass --mapping FILE.toml.": N_(
        "Rename the headers to the exchange format (the column names in the data exchange "
        "guide), or ask an administrator to ingest the file on the server with a mapping file."
    ),
    "Correct the mapping file.": N_("Ask an administrator to correct the mapping file."),
    "Give an existing sheet name in the mapping file.": N_(
        "Put the data in the first sheet of the workbook."
    ),
}

#: The same fixes as the CLI gives them (it can pass flags and paths).
_CLI_FIXES: Final = {
    "Check the path and try again.": N_("Check the path and try again."),
    "Write one object per line.": N_("Write one JSON object per line."),
    "Rename the headers to the exchange format or pass --mapping FILE.toml.": N_(
        "Rename the headers to the exchange format or pass --mapping FILE.toml."
    ),
    "Correct the mapping file.": N_("Correct the mapping file."),
    "Give an existing sheet name in the mapping file.": N_(
        "Give an existing sheet name in the mapping file."
    ),
}

_Rule = tuple[re.Pattern[str], str, tuple[str, ...]]


def _rule(pattern: str, message: str, *fields: str) -> _Rule:
    """``message`` for a text matching ``pattern``; the groups named in ``fields`` hold a field
    name, shown by its label."""
    return re.compile(pattern), message, fields


#: Problems of a whole file (FileLevelError.problem).
_FILE_PROBLEMS: Final = (
    _rule(r"file not found", N_("the file was not found")),
    _rule(r"the file is empty \(0 bytes\)", N_("the file is empty (0 bytes)")),
    _rule(
        r"binary content, not a CSV, XLSX, Parquet or JSON lines file",
        N_("the file is not CSV, XLSX, Parquet or JSON lines"),
    ),
    _rule(
        r"the text is neither UTF-8 nor Windows-1252",
        N_("the text is neither UTF-8 nor Windows-1252"),
    ),
    _rule(r"a JSON array, not JSON lines", N_("the file is a JSON array, not JSON lines")),
    _rule(
        r"column '(?P<column>.*)' appears twice in the header",
        N_("column %(column)s appears twice in the header"),
    ),
    _rule(r"no header row", N_("the file has no header row")),
    _rule(r"the file has a header but no data rows", N_("the file has a header but no data rows")),
    _rule(r"the sheet is empty", N_("the sheet is empty")),
    _rule(r"not a readable XLSX workbook.*", N_("the file is not a readable XLSX workbook")),
    _rule(r"not a readable Parquet file.*", N_("the file is not a readable Parquet file")),
    _rule(
        r"the file is damaged after row (?P<row>\d+).*", N_("the file is damaged after row %(row)s")
    ),
    _rule(
        r"required column\(s\) missing for (?P<extract>\w+): (?P<missing>.*) "
        r"\(headers found: (?P<found>.*)\)",
        N_("required column(s) missing: %(missing)s (columns in the file: %(found)s)"),
    ),
)

#: One problem of a form (institution fields, an inspection) or another single error.
_PROBLEMS: Final = (
    _rule(
        r"(?P<flags>[-\w, ]+) apply to the counts only, not to a child's history; .*",
        N_(
            "%(flags)s apply to the counts only, not to a child's history; leave out the child "
            "id to count, or the flags to see the history"
        ),
    ),
    _rule(
        r"role (?P<role>\w+) may not see counts for a freely chosen region and period: .*",
        N_(
            "the role %(role)s may not see counts for a freely chosen region and period: its "
            "counts of 1-4 are hidden, and subtracting two such counts would reveal them; use "
            "the dashboard's indicators and trends (padan report, padan trends) instead"
        ),
    ),
    _rule(
        r"(?P<field>\w+) is required \(YYYY-MM-DD\)", N_("%(field)s is required (a date)"), "field"
    ),
    _rule(
        r"(?P<field>\w+) is required \(got (?P<value>.*)\)",
        N_("%(field)s is required (given: %(value)s)"),
        "field",
    ),
    _rule(r"(?P<field>\w+) is required", N_("%(field)s is required"), "field"),
    _rule(r"petugas \(the inspector\) is required", N_("the inspector's name is required")),
    _rule(
        r"(?P<field>[\w ]+?) '(?P<value>.*)' is not a usable date \((?P<why>.*)\); use YYYY-MM-DD",
        N_("%(field)s %(value)s is not a usable date (%(why)s); use YYYY-MM-DD"),
        "field",
    ),
    _rule(
        r"(?P<field>\w+): '(?P<value>.*)' is not one of (?P<codes>.*)",
        N_("%(field)s: %(value)s is not one of %(codes)s"),
        "field",
    ),
    _rule(
        r"(?P<field>\w+): '(?P<value>.*)' is not a whole number of 0 or more",
        N_("%(field)s: %(value)s is not a whole number of 0 or more"),
        "field",
    ),
    _rule(
        r"(?P<field>\w+): '(?P<value>.*)' is not a usable date \((?P<why>.*)\); use YYYY-MM-DD",
        N_("%(field)s %(value)s is not a usable date (%(why)s); use YYYY-MM-DD"),
        "field",
    ),
    _rule(
        r"(?P<field>\w+): longer than 1,000 characters",
        N_("%(field)s: longer than 1,000 characters"),
        "field",
    ),
    _rule(
        r"tanggal_akreditasi is given but akreditasi is BELUM",
        N_("an accreditation date is given, but the institution is not accredited"),
    ),
    _rule(
        r"jumlah_pekerja_sosial_bersertifikat \((?P<certified>\d+)\) is more than "
        r"jumlah_pekerja_sosial \((?P<workers>\d+)\)",
        N_("%(certified)s certified social workers are more than the %(workers)s social workers"),
    ),
    _rule(
        r"temuan (?P<number>\d+): batas_waktu (?P<due>\S+) is before the visit \((?P<visit>\S+)\)",
        N_("finding %(number)s: the due date %(due)s is before the visit (%(visit)s)"),
    ),
    _rule(
        r"region '(?P<code>.*)' is not a Kemendagri region code; give e\.g\. 32, 32\.01 or 3201",
        N_("%(code)s is not a Kemendagri region code; give e.g. 32, 32.01 or 3201"),
    ),
    _rule(
        r"(?P<name>.+): the file is larger than the upload limit of (?P<limit>.+) "
        r"\(PADAN_UPLOAD_MAX_BYTES\); split it, or ingest it on the server with padan ingest",
        N_(
            "%(name)s: the file is larger than the upload limit of %(limit)s; split it, or ask "
            "an administrator to ingest it on the server"
        ),
    ),
    _rule(r"the upload: the file is larger.*", N_("the file is larger than the upload limit")),
    _rule(
        r"(?P<name>.+): the file is empty \(0 bytes\); choose a file with data",
        N_("%(name)s: the file is empty (0 bytes); choose a file with data"),
    ),
    _rule(r"a decision needs a reason", N_("a decision needs a reason")),
    _rule(r"no such finding, or not in your scope", N_("no such finding, or not in your area")),
    _rule(
        r"no such institution, or not in your scope",
        N_("no such institution, or not in your area"),
    ),
    _rule(
        r"(?P<command>padan [\w -]+?) acts as a named user: run (?P<run>padan --as NAME .*?), or "
        r"set PADAN_CLI_USER=NAME \(a user of padan user list\)",
        N_(
            "%(command)s acts as a named user: run %(run)s, or set PADAN_CLI_USER=NAME "
            "(a user of padan user list)"
        ),
    ),
    _rule(
        r"no batch (?P<batch>\d+) among those you handle",
        N_("batch %(batch)s is not among the batches you handle"),
    ),
    _rule(
        r"date '(?P<value>.*)' is not a date; use YYYY-MM-DD",
        N_("%(value)s is not a date; use YYYY-MM-DD"),
    ),
)

#: Refusals, said to a person at a page (the CLI keeps the permission's name, for operators).
_REFUSALS: Final = (
    _rule(
        r"role (?P<role>\w+) may not use (?P<permission>\w+)",
        N_("the role %(role)s may not open this page or take this action"),
    ),
    _rule(
        r"role (?P<role>\w+) may not ingest (?P<source>\w+) files",
        N_("the role %(role)s may not upload %(source)s files"),
    ),
    _rule(r"role (?P<role>\w+) may not export", N_("the role %(role)s may not export data")),
    _rule(
        r"role (?P<role>\w+) may not see named worklists",
        N_("the role %(role)s may not see worklists with names"),
    ),
    _rule(
        r"role (?P<role>\w+) may not .+",
        N_("the role %(role)s may not open this page or take this action"),
    ),
    _rule(
        r"region (?P<code>[\d.]+) is outside your scope",
        N_("region %(code)s is outside your area"),
    ),
    _rule(
        r"your account has no region; ask an administrator to set one",
        N_("your account has no region; ask an administrator to set one"),
    ),
)

#: Messages that hold a list of problems after a prefix, each problem translated on its own.
_LISTS: Final = (
    ("institution fields are not valid: ", N_("The institution was not saved: %(problems)s")),
    ("inspection not recorded: ", N_("The inspection was not recorded: %(problems)s")),
)


def _apply(rules: tuple[_Rule, ...], text: str, lang: str) -> str | None:
    for pattern, message, fields in rules:
        found = pattern.fullmatch(text)
        if found:
            values = {
                k: shown("column", v, lang) if k in fields else v
                for k, v in found.groupdict().items()
            }
            if "role" in values:
                values["role"] = label("role", values["role"], lang)
            if "source" in values:
                values["source"] = label("source", values["source"], lang)
            if "why" in values:  # a reason code of padan.domain.reasons
                values["why"] = label("reason", values["why"], lang)
            return gettext(message, lang) % values
    return None


#: A ``PADAN_*`` setting that could not be read (:func:`padan.settings.get_settings`).
_SETTING: Final = re.compile(
    r"(?P<var>[A-Z_a-z]+) is (?P<value>.*?), not (?P<kind>[a-z0-9 ]+?)"
    r"(?: from (?P<low>\S+) to (?P<high>\S+))?; correct it or unset it"
    r"(?: \(default: (?P<default>.*)\))?"
)
_SETTING_KINDS: Final = {
    "1 or 0": N_("1 or 0"),
    "a whole number": N_("a whole number"),
    "a number": N_("a number"),
    "a path": N_("a path"),
    "text": N_("text"),
    "a valid value": N_("a valid value"),
}


def _setting_text(text: str, lang: str) -> str | None:
    """Settings that could not be read, each in ``lang``; ``None`` when ``text`` is another
    message."""
    said = []
    for part in re.split(r"; (?=[A-Z_a-z]+ is )", text):
        found = _SETTING.fullmatch(part)
        if found is None or found["kind"] not in _SETTING_KINDS:
            return None
        kind = gettext(_SETTING_KINDS[found["kind"]], lang)
        if found["low"] is not None:
            kind += gettext(" from %(low)s to %(high)s", lang) % found.groupdict()
        message = gettext("%(var)s is %(value)s, not %(kind)s; correct it or unset it", lang)
        line = message % {"var": found["var"], "value": found["value"], "kind": kind}
        if found["default"] is not None:
            line += gettext(" (default: %(default)s)", lang) % found.groupdict()
        said.append(line)
    return "; ".join(said)


def _problem(text: str, lang: str, *, cli: bool = False) -> str:
    setting = _setting_text(text, lang) if " correct it or unset it" in text else None
    if setting is not None:
        return setting
    said = pprl_text(text, lang) or _apply(
        _PROBLEMS if cli else (*_PROBLEMS, *_REFUSALS), text, lang
    )
    if said is not None:
        return said
    # "field: problem": the field by its label, the problem on its own.
    field, colon, rest = text.partition(": ")
    if colon and field in CODES["column"]:
        return f"{shown('column', field, lang)}: {_problem(rest, lang, cli=cli)}"
    return text


def error_text(exc: Exception, lang: str, *, cli: bool = False) -> str:
    """``exc``'s message for a page (or, with ``cli``, the terminal) in ``lang``: translated
    when its shape is known. A file's fix suits where it is read: a page never asks for a
    command-line flag."""
    if isinstance(exc, FileLevelError):
        # English is the library's own words; other languages read the catalogs.
        problem = (lang != "en" and _apply(_FILE_PROBLEMS, exc.problem, lang)) or exc.problem
        fix = (_CLI_FIXES.get(exc.fix) if cli else None) or _FIXES.get(exc.fix)
        return f"{exc.path}: {problem}. {gettext(fix, lang) if fix else exc.fix}"
    return message_text(str(exc), lang, cli=cli)


def message_text(text: str, lang: str, *, cli: bool = False) -> str:
    """A library message kept as text (a background run's error) in ``lang``, as
    :func:`error_text` would say it."""
    for prefix, message in _LISTS:
        if text.startswith(prefix):
            # Problems are joined with "; ", which a date problem's own "; use ..." also has.
            parts = re.split(r"; (?!use |give )", text.removeprefix(prefix))
            problems = [_problem(p, lang, cli=cli) for p in parts]
            return gettext(message, lang) % {"problems": "; ".join(problems)}
    return _problem(text, lang, cli=cli)


def validation_text(errors: list[dict[str, object]], lang: str) -> str:
    """A form's missing or invalid fields (FastAPI's validation errors) in ``lang``."""

    def say(message: str) -> str:
        return gettext(message, lang)

    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path")]  # type: ignore[attr-defined]
        field = shown("column", loc[-1], lang) if loc else ""
        if e.get("type") == "missing":
            parts.append(say("%(field)s is required") % {"field": field})
        else:
            parts.append(say("%(field)s: the value is not valid") % {"field": field})
    return "; ".join(parts) or say("The request is not valid.")
