"""The read log's saved form (pipeline/reuse/reads.py: `ReadLog.__getstate__`): many strings, refs and sets
of fields as a few runs of UTF-8 and arrays, so the pickle holds a handful of objects instead of a million."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable

from ssg.model.refs import Ref
from ssg.render.recording import Field


def packed(texts: Iterable[str]) -> tuple[bytearray, array]:
    """Many strings as one run of UTF-8 and their lengths: two objects to pickle instead of one each (and as
    bytes, not a str that one character past Latin-1 makes two or four bytes a character)."""
    data, lengths = bytearray(), array("I")
    for text in texts:
        encoded = text.encode("utf-8")
        data += encoded
        lengths.append(len(encoded))
    return data, lengths


def unpacked(data: bytes | bytearray, lengths: array) -> list[str]:
    found, start = [], 0
    for length in lengths:
        found.append(data[start : start + length].decode("utf-8"))
        start += length
    return found


def packed_refs(refs: Iterable[Ref]) -> tuple[tuple[bytearray, array], array]:
    """Refs (tuples of strings) as their strings packed and the number of strings each has."""
    items = list(refs)
    return packed(part for ref in items for part in ref), array("B", map(len, items))


def unpacked_refs(parts: tuple[bytearray, array], sizes: array) -> list[Ref]:
    texts = unpacked(*parts)
    found, start = [], 0
    for size in sizes:
        found.append((sys.intern(texts[start]), *texts[start + 1 : start + size]))  # the kind: one object
        start += size
    return found


def packed_fieldsets(fieldsets: Iterable[frozenset[Field]]) -> tuple[list[Field], array, array]:
    """Sets of fields as the distinct fields and, per set, the numbers of its fields: 11,000 sets at 10,000
    articles held 146,000 fields, 1,085 of them distinct (an actor's entry in a mapping, read on many pages)."""
    numbers: dict[Field, int] = {}
    members, sizes = array("I"), array("I")
    for fields in fieldsets:
        sizes.append(len(fields))
        members.extend(numbers.setdefault(field, len(numbers)) for field in fields)
    return list(numbers), members, sizes


def unpacked_fieldsets(distinct: list[Field], members: array, sizes: array) -> list[frozenset[Field]]:
    found, start = [], 0
    for size in sizes:
        found.append(frozenset(distinct[number] for number in members[start : start + size]))
        start += size
    return found
