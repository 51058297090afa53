"""The ENVELOPE structure, RFC 3501 section 7.4.2."""

from .addresses import parse_address_list
from .fields import HeaderFields
from .sexp import SExp

__all__ = ["build_envelope"]


def build_envelope(fields: HeaderFields) -> SExp:
    """Build ``(date subject from sender reply-to to cc bcc in-reply-to
    message-id)`` from a message's header fields (RFC 3501 section 7.4.2).

    Strings are the unfolded field bodies as written (encoded words are
    passed through); an absent field is NIL.  Sender and Reply-To fall back
    to From when absent or empty, as the RFC requires.  Of repeated fields,
    the first is used (RFC 5322 section 3.6 allows only one).
    """
    sender_from = _addresses(fields, b"from")
    return [
        fields.value(b"date"),
        fields.value(b"subject"),
        sender_from,
        _addresses(fields, b"sender") or sender_from,
        _addresses(fields, b"reply-to") or sender_from,
        _addresses(fields, b"to"),
        _addresses(fields, b"cc"),
        _addresses(fields, b"bcc"),
        fields.value(b"in-reply-to"),
        fields.value(b"message-id"),
    ]


def _addresses(fields: HeaderFields, name: bytes) -> list[SExp] | None:
    value = fields.value(name)
    return (parse_address_list(value) or None) if value is not None else None
