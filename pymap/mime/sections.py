"""Section addressing for FETCH BODY[...] and BINARY[...].

RFC 3501 section 6.4.5 (section specification) and RFC 3516 section 4.2
(BINARY).
"""

from typing import Protocol, Self, TypeVar

from .fields import HeaderFields
from .transfer import decode_transfer

__all__ = ["Node", "Tree", "binary_of", "find_part", "section_of"]


_Part_co = TypeVar("_Part_co", covariant=True)


class Parts(Protocol[_Part_co]):
    """The body parts of a multipart, numbered from 0 here."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> _Part_co: ...


class Tree(Protocol):
    """The shape of an entity tree: what part numbers walk."""

    @property
    def is_multipart(self) -> bool: ...

    @property
    def children(self) -> Parts[Self]: ...

    @property
    def message(self) -> Self | None: ...


class Node(Tree, Protocol):
    """An entity with its octets: a parsed
    :class:`~pymap.mime.entity.Entity`, or one of a window on a message
    (:mod:`~pymap.mime.layout`)."""

    @property
    def header(self) -> bytes: ...

    @property
    def body(self) -> bytes: ...

    @property
    def whole(self) -> bytes: ...

    @property
    def fields(self) -> HeaderFields: ...

    @property
    def transfer_encoding(self) -> bytes | None: ...


_T = TypeVar("_T", bound=Tree)

_MESSAGE_TEXTS = frozenset(
    {"HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT"}
)


def find_part(root: _T, part: tuple[int, ...]) -> _T | None:
    """The entity that part number *part* names (RFC 3501 section 6.4.5).

    A multipart's parts are numbered from 1.  A non-multipart entity has
    only part 1, itself; if further numbers follow, it must be a
    message/rfc822, and they continue inside the encapsulated message.
    """
    entity = root
    for index, number in enumerate(part):
        more = index + 1 < len(part)
        if entity.is_multipart:
            if not 1 <= number <= len(entity.children):
                return None
            entity = entity.children[number - 1]
        elif number != 1 or (more and entity.message is None):
            return None
        if more and entity.message is not None:
            entity = entity.message
    return entity


def section_of(
    root: Node,
    part: tuple[int, ...],
    text: str | None,
    fields: tuple[bytes, ...],
) -> bytes | None:
    """The octets of ``BODY[part.text (fields)]`` (RFC 3501 section 6.4.5),
    or None when the part does not exist or *text* does not apply to it.

    Raises:
        ValueError: for a *text* that is not a section text specifier.
    """
    upper = None if text is None else text.upper()
    if upper not in (None, "MIME", *_MESSAGE_TEXTS):
        raise ValueError(f"not a section text: {text!r}")
    if not part:
        return None if upper == "MIME" else _message_text(root, upper, fields)
    entity = find_part(root, part)
    if entity is None:
        return None
    if upper is None:
        return entity.body
    if upper == "MIME":
        return entity.header
    if entity.message is None:
        return None
    return _message_text(entity.message, upper, fields)


def binary_of(root: Node, part: tuple[int, ...]) -> bytes | None:
    """The content of ``BINARY[part]`` (RFC 3516 section 4.2): the body
    with its Content-Transfer-Encoding removed.  Multipart and message
    bodies, and the whole message, are returned unchanged.

    Raises:
        UnknownEncoding: when the transfer encoding is not known.
    """
    if not part:
        return root.whole
    entity = find_part(root, part)
    if entity is None:
        return None
    if entity.is_multipart or entity.message is not None:
        return entity.body
    return decode_transfer(entity.body, entity.transfer_encoding)


def _message_text(
    message: Node, text: str | None, fields: tuple[bytes, ...]
) -> bytes:
    """``HEADER``, ``HEADER.FIELDS[.NOT]``, ``TEXT`` or (None) all of a
    message."""
    if text == "HEADER":
        return message.header
    if text == "TEXT":
        return message.body
    if text == "HEADER.FIELDS":
        return message.fields.select(fields, exclude=False)
    if text == "HEADER.FIELDS.NOT":
        return message.fields.select(fields, exclude=True)
    return message.whole
