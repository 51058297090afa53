"""The message model: RFC 3501 FETCH and SEARCH data from raw messages.

:class:`MessageContent` parses a message once and derives ENVELOPE,
BODY/BODYSTRUCTURE (RFC 3501 section 7.4.2), BODY[section] (section 6.4.5),
BINARY[part] (RFC 3516) and the decoded text SEARCH needs (section 6.4.4).
"""

from .content import MessageContent
from .sexp import SExp
from .summary import MessageSummary
from .transfer import UnknownEncoding

__all__ = ["MessageContent", "MessageSummary", "SExp", "UnknownEncoding"]
