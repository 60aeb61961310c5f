"""The PPRL errors (``padan encode``, ``padan ingest --encoded``, a report of encodings) in the
user's language (:mod:`padan.web.messages` asks here first). The library's English is kept for
``en``; a message no pattern knows is left to the other rules."""

from __future__ import annotations

import re
from typing import Final

from padan.i18n import N_, gettext

__all__ = ["pprl_text"]

#: Where a secret was read from, as the library names it (a path that looks like a secret is
#: never named).
_WHERE: Final = (
    r"(?:secret file (?P<file>.+?)|environment variable (?P<var>\w+)"
    r"|the secret file \(its --secret-file value is not shown: it looks like a secret\))"
)

_RULES: Final = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"give the shared secret with exactly one of --secret-file FILE or --secret-env "
            r"NAME .*",
            N_(
                "give the shared secret with exactly one of --secret-file FILE or --secret-env "
                "NAME (the variable's name, not its value); the agencies agree on it under the PKS"
            ),
        ),
        (
            r"--secret-env takes the NAME of an environment variable, not the secret .*",
            N_(
                "--secret-env takes the NAME of an environment variable, not the secret (a name "
                "is letters, digits and _, not starting with a digit; the value given is not "
                "shown). Run: export PADAN_PPRL_SECRET=... and pass --secret-env "
                "PADAN_PPRL_SECRET, or use --secret-file FILE."
            ),
        ),
        (
            r"--secret-file takes the PATH of a file holding the secret, not the secret: .*",
            N_(
                "--secret-file takes the PATH of a file holding the secret, not the secret: the "
                "value given names no file (not shown, as it may be the secret). Write the "
                "secret into a file readable by you only and pass its path."
            ),
        ),
        (
            r"secret file (?P<file>.+) not found\. Check the --secret-file path\.",
            N_("secret file %(file)s not found. Check the --secret-file path."),
        ),
        (
            r"environment variable (?P<var>\w+) is not set\. .*",
            N_(
                "environment variable %(var)s is not set. Export it with the shared secret, or "
                "pass --secret-file."
            ),
        ),
        (
            _WHERE + r" holds (?P<n>\d+) bytes; a shared secret needs at least (?P<min>\d+) .*",
            N_(
                "%(where)s holds %(n)s bytes; a shared secret needs at least %(min)s (e.g. 32 "
                "random bytes: `openssl rand -hex 32`)."
            ),
        ),
        (
            _WHERE + r" holds a weak secret: (?P<n>\d+) distinct characters, fewer than "
            r"(?P<min>\d+)\. .*",
            N_(
                "%(where)s holds a weak secret: %(n)s distinct characters, fewer than %(min)s. A "
                "secret of repeated characters is among the first an attacker tries; make a "
                "random one: `openssl rand -hex 32`."
            ),
        ),
        (
            r"(?P<file>.+) was encoded with a different secret from the encodings in this store .*",
            N_(
                "%(file)s was encoded with a different secret from the encodings in this store: "
                "its records would match none of them. Both agencies must encode with the same "
                "secret: encode the extract again with the secret the other agency used. A new "
                "secret (e.g. for a new exchange) needs a new store (--db) with both agencies' "
                "files encoded with it."
            ),
        ),
        (
            r"(?P<file>.+): the encodings in this store were ingested before Padan recorded "
            r"the secret's check value.*",
            N_(
                "%(file)s: the encodings in this store were ingested before Padan recorded the "
                "secret's check value, so whether this file used the same secret cannot be "
                "checked. Ingest both agencies' files, encoded again with this version of padan "
                "encode, into a new store (--db)."
            ),
        ),
        (
            r"(?P<file>.+) carries no secret check value: .*",
            N_(
                "%(file)s carries no secret check value: it was encoded by an older padan "
                "encode. Encode the extract again with this version of padan encode."
            ),
        ),
        (
            r"(?P<file>.+) is a PPRL encodings file \(written by padan encode\), not a "
            r"plaintext extract: add --encoded \((?P<command>.+)\)\.",
            N_(
                "%(file)s is a PPRL encodings file (written by padan encode), not a plaintext "
                "extract: add --encoded (%(command)s)."
            ),
        ),
        (
            r"no report for region (?P<region>.+?): the PPRL encodings in this store carry no "
            r"region in the clear.*",
            N_(
                "no report for region %(region)s: the PPRL encodings in this store carry no "
                "region in the clear, so no figure can be given per region (only the national "
                "report, by a user whose role is not limited to a region). For regional "
                "figures the agencies can allow the regency code in the schema file (`[clear] "
                'attributes = ["regency"]`), encode both extracts again and ingest them into a '
                "new store."
            ),
        ),
        (
            r"figures as of a past date cannot be computed from PPRL encodings: .*",
            N_(
                "figures as of a past date cannot be computed from PPRL encodings: the store "
                "holds encoded records, which keep no history of the attributes those figures "
                "follow. Run `padan report` without --as-of for the current coverage indicators."
            ),
        ),
        (
            r"trends cannot be computed from PPRL encodings: .*",
            N_(
                "trends cannot be computed from PPRL encodings: the store holds encoded records, "
                "which keep no history of the attributes those figures follow. Run `padan "
                "report` without --as-of for the current coverage indicators."
            ),
        ),
    )
)


def pprl_text(text: str, lang: str) -> str | None:
    """``text``, a PPRL error message, in ``lang``; ``None`` for English or another message."""
    if lang == "en":
        return None
    for pattern, message in _RULES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        if "n" in values and "min" in values:
            values["where"] = (
                gettext(N_("secret file %(file)s"), lang) % values
                if "file" in values
                else gettext(N_("environment variable %(var)s"), lang) % values
                if "var" in values
                else gettext(
                    N_("the secret file (its path is not shown: it looks like a secret)"), lang
                )
            )
        return gettext(message, lang) % values
    return None
