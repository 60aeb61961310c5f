"""Privacy-preserving record linkage: encode an extract at the agency with a shared secret, so
that only keyed Bloom-filter encodings travel (docs/manual/pprl.md, docs/design/pprl.md)."""

from padan.pprl.bloom import dice
from padan.pprl.compare import (
    DEFAULT_THRESHOLD,
    Match,
    candidate_pairs,
    link_encodings,
    score_candidates,
    select_matches,
)
from padan.pprl.encode import Encoded, Encoder, EncodeSummary, encode_file
from padan.pprl.fields import Plain, plain_record
from padan.pprl.output import EncodedFile, read_encodings
from padan.pprl.schema import EncodingSchema, FieldSpec, default_schema_path, load_schema
from padan.pprl.secret import derive_key, read_secret
from padan.pprl.store_file import ENCODED_SOURCES, EncodedIngest, ingest_encodings

__all__ = [
    "DEFAULT_THRESHOLD",
    "ENCODED_SOURCES",
    "EncodeSummary",
    "Encoded",
    "EncodedFile",
    "EncodedIngest",
    "Encoder",
    "EncodingSchema",
    "FieldSpec",
    "Match",
    "Plain",
    "candidate_pairs",
    "default_schema_path",
    "derive_key",
    "dice",
    "encode_file",
    "ingest_encodings",
    "link_encodings",
    "load_schema",
    "plain_record",
    "read_encodings",
    "read_secret",
    "score_candidates",
    "select_matches",
]
