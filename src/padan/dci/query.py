"""A DCI ``search_criteria`` read as a Padan query: ``idtype-value`` (one identifier),
``predicate`` (attribute comparisons) or ``expression`` (a MongoDB-style ``$and``/``$or``
tree), plus its page.

Identifier types: ``NIK`` (also ``UIN``/``NIN``: Indonesia's unique identification number is
the NIK), ``KK``, ``PADAN_CHILD_ID``, ``KPAI_NO_PENGADUAN``, ``DTSEN_ID_INDIVIDU``. Attributes:
``age``, ``sex`` (``gender``), ``birth_date``, ``region`` (``kode_wilayah``), ``desil``. What is
not one of these is refused with a reason naming what is, never guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from padan.domain.regions import check_region
from padan.errors import InputError
from padan.services.registry_query import Identifier, age_filter
from padan.store.record_filter import AllOf, AnyOf, Compare, Filter, Not

__all__ = ["ATTRIBUTES", "ID_TYPES", "Query", "Rejected", "read_criteria"]

#: DCI identifier type (upper case) → the kind of :class:`Identifier`.
ID_TYPES = {
    "NIK": "nik",
    "UIN": "nik",
    "NIN": "nik",
    "KK": "kk",
    "PADAN_CHILD_ID": "child",
    "KPAI_NO_PENGADUAN": "kpai",
    "DTSEN_ID_INDIVIDU": "dtsen",
}
#: Attribute name (lower case) → the attribute it filters.
ATTRIBUTES = {
    "age": "age",
    "sex": "sex",
    "gender": "sex",
    "birth_date": "birth_date",
    "region": "region",
    "kode_wilayah": "region",
    "desil": "desil",
}
_MONGO_OPS = {"$eq": "eq", "$ne": "ne", "$lt": "lt", "$lte": "le", "$gt": "gt", "$gte": "ge"}
_MONGO_OPS["$in"] = "in"
_SEX = {"male": "L", "l": "L", "m": "L", "female": "P", "p": "P", "f": "P"}
_COLLECTIONS = ("member", "person", "srperson", "child")
DEFAULT_PAGE_SIZE = 100
#: Comparisons one search may make (each value of an ``in`` list counts): a partner's question
#: names a few attributes; thousands would build SQL deeper than SQLite parses (1,000 levels)
#: and make the registry a place to run arbitrary load.
MAX_COMPARISONS = 100


class Rejected(Exception):
    """A search request the registry answers with ``rjct``: the spec's reason code and why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass(frozen=True)
class Query:
    """One search request as Padan runs it."""

    identifier: Identifier | None
    where: Filter | None
    page: int
    page_size: int


def _invalid(message: str) -> Rejected:
    return Rejected("rjct.search_criteria.invalid", message)


def _identifier(query: Any) -> Identifier:
    if not isinstance(query, dict) or not isinstance(query.get("type"), str):
        raise _invalid("idtype-value: give query {type, value}")
    kind = ID_TYPES.get(query["type"].strip().upper())
    if kind is None:
        raise _invalid(
            f"identifier type {query['type'][:40]!r} is not held; use one of {', '.join(ID_TYPES)}"
        )
    value = query.get("value")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _invalid(f"{query['type']}: the value must be a string")
    text = str(value).strip()
    if kind in ("nik", "kk"):
        text = re.sub(r"[\s.-]", "", text)
        if not (text.isdigit() and len(text) == 16):
            raise _invalid(f"{query['type']}: the value must be 16 digits")
    if not text or len(text) > 128:
        raise _invalid(f"{query['type']}: the value must be 1-128 characters")
    return Identifier(kind, text)


def _number(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise _invalid(f"{what}: give a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _invalid(f"{what}: {str(value)[:40]!r} is not a whole number") from None
    return number


def _value(attribute: str, raw: Any) -> str | int | dt.date:
    if attribute in ("age", "desil"):
        number = _number(raw, attribute)
        if attribute == "desil" and not 1 <= number <= 10:
            raise _invalid(f"desil {number}: DTSEN deciles run from 1 to 10")
        return number
    text = str(raw).strip()
    if attribute == "sex":
        if text.lower() not in _SEX:
            raise _invalid(f"sex {text[:20]!r}: use male or female (L or P)")
        return _SEX[text.lower()]
    if attribute == "birth_date":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise _invalid(f"birth_date {text[:40]!r}: use YYYY-MM-DD") from None
    check = check_region(text)
    if check.code is None:
        raise _invalid(f"region {text[:40]!r}: give a region code (e.g. 32, 32.01, 32.01.05)")
    return check.code


def _age(op: str, years: int | tuple[int, ...], today: dt.date) -> Filter:
    try:
        return age_filter(op, years, today=today)
    except InputError as exc:
        raise _invalid(str(exc)) from None


def _compare(name: Any, op: str, raw: Any, today: dt.date) -> Filter:
    attribute = ATTRIBUTES.get(str(name).strip().lower())
    if attribute is None:
        raise _invalid(
            f"attribute {str(name)[:40]!r} is not held; use one of {', '.join(ATTRIBUTES)}"
        )
    if attribute == "region" and op not in ("eq", "ne", "in"):
        raise _invalid(f"region: the operator {op} does not apply to a region (eq, ne or in)")
    if op == "in":
        if not isinstance(raw, list) or not raw:
            raise _invalid(f"{attribute} in: give a non-empty list")
        if attribute == "age":
            ages = tuple(_number(v, "age") for v in raw)
            return _age(op, ages, today)
        values = tuple(_value(attribute, v) for v in raw)
        return Compare(attribute, "in", values)  # type: ignore[arg-type]
    if attribute == "age":
        return _age(op, _number(raw, "age"), today)
    value = _value(attribute, raw)
    if attribute == "sex" and op not in ("eq", "ne"):
        raise _invalid(f"sex: the operator {op} does not apply (eq or ne)")
    return Compare(attribute, op, value)


def _predicate(query: Any, today: dt.date) -> Filter:
    if not isinstance(query, list) or not query:
        raise _invalid("predicate: give a list of {expression1, condition, expression2}")
    if not all(isinstance(i, dict) for i in query):
        raise _invalid("predicate: every item is {seq_num, expression1, condition, expression2}")
    seqs = [i.get("seq_num", 0) for i in query]
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in seqs):
        raise _invalid("predicate: seq_num must be a number in every item")
    parts: list[Filter] = []
    for item in sorted(query, key=lambda i: i.get("seq_num", 0)):
        if not isinstance(item.get("expression1"), dict):
            raise _invalid("predicate: every item needs expression1")
        first = _expression(item["expression1"], today)
        second = item.get("expression2")
        if second is None:
            parts.append(first)
            continue
        other = _expression(second, today)
        condition = str(item.get("condition", "and")).lower()
        if condition == "and":
            parts.append(AllOf((first, other)))
        elif condition == "or":
            parts.append(AnyOf((first, other)))
        elif condition == "not":  # expression1 and not expression2
            parts.append(AllOf((first, Not(other))))
        else:
            raise _invalid(f"predicate: condition {condition[:10]!r} is not and, or, not")
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _expression(e: Any, today: dt.date) -> Filter:
    if not isinstance(e, dict):
        raise _invalid("predicate: an expression is {attribute_name, operator, attribute_value}")
    op = str(e.get("operator", "")).lower()
    if op not in ("eq", "ne", "lt", "le", "gt", "ge", "in"):
        raise _invalid(f"operator {op[:10]!r}: use eq, lt, le, gt, ge or in")
    return _compare(e.get("attribute_name"), op, e.get("attribute_value"), today)


def _mongo(node: Any, today: dt.date, depth: int = 0) -> Filter:
    if depth > 10 or not isinstance(node, dict) or not node:
        raise _invalid("expression: give a non-empty object ($and, $or, $not, attributes)")
    parts: list[Filter] = []
    for key, value in node.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise _invalid(f"expression: {key} takes a non-empty list")
            subs = tuple(_mongo(v, today, depth + 1) for v in value)
            parts.append(AllOf(subs) if key == "$and" else AnyOf(subs))
        elif key == "$not":
            parts.append(Not(_mongo(value, today, depth + 1)))
        elif isinstance(value, dict):
            if not value:
                raise _invalid(f"expression: {str(key)[:40]!r} takes an operator ($eq, $lt, ...)")
            for op, raw in value.items():
                if op not in _MONGO_OPS:
                    raise _invalid(f"expression: {str(op)[:10]!r} is not one of {list(_MONGO_OPS)}")
                parts.append(_compare(key, _MONGO_OPS[op], raw, today))
        else:
            parts.append(_compare(key, "eq", value, today))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _expression_query(query: Any, today: dt.date) -> Filter:
    value = query.get("value") if isinstance(query, dict) else None
    expression = value.get("expression") if isinstance(value, dict) else None
    if not isinstance(expression, dict) or not isinstance(expression.get("query"), dict):
        raise _invalid("expression: give query.value.expression {collection, query}")
    collection = str(expression.get("collection", "Member"))
    if collection.lower() not in _COLLECTIONS:
        raise _invalid(
            f"collection {collection[:40]!r}: Padan's index holds children (Member, Person)"
        )
    return _mongo(expression["query"], today)


def _page(criteria: dict[str, Any]) -> tuple[int, int]:
    pagination = criteria.get("pagination") or {}
    if not isinstance(pagination, dict):
        raise Rejected("rjct.pagination.invalid", "pagination: give {page_size, page_number}")
    try:
        size = int(pagination.get("page_size", DEFAULT_PAGE_SIZE))
        number = int(pagination.get("page_number", 1))
    except (TypeError, ValueError):
        raise Rejected("rjct.pagination.invalid", "pagination: whole numbers only") from None
    if not 1 <= size <= 1000 or number < 1:
        raise Rejected(
            "rjct.pagination.invalid", "pagination: page_size 1-1000, page_number from 1"
        )
    return number, size


def _comparisons(f: Filter) -> int:
    if isinstance(f, Compare):
        return len(f.value) if isinstance(f.value, tuple) else 1
    if isinstance(f, Not):
        return _comparisons(f.part)
    return sum(_comparisons(p) for p in f.parts)


def _bounded(f: Filter) -> Filter:
    count = _comparisons(f)
    if count > MAX_COMPARISONS:
        raise _invalid(
            f"the query makes {count} comparisons; at most {MAX_COMPARISONS} "
            "(use a region or an age range rather than a list of values)"
        )
    return f


def read_criteria(criteria: Any, *, today: dt.date) -> Query:
    """The query of one ``search_criteria``; raises :class:`Rejected` saying what is wrong."""
    if not isinstance(criteria, dict):
        raise _invalid("search_criteria: give {query_type, query}")
    kind, query = criteria.get("query_type"), criteria.get("query")
    number, size = _page(criteria)
    if kind == "idtype-value":
        return Query(_identifier(query), None, number, size)
    if kind == "predicate":
        return Query(None, _bounded(_predicate(query, today)), number, size)
    if kind == "expression":
        return Query(None, _bounded(_expression_query(query, today)), number, size)
    raise _invalid(f"query_type {str(kind)[:20]!r}: use idtype-value, expression or predicate")
