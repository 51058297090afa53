"""Realistic test messages, as the raw bytes a client would APPEND.

Every message is in canonical CRLF form unless its name says otherwise;
the decoded contents the tests look for are kept next to them.
"""

from __future__ import annotations

import base64

__all__ = [
    'ALTERNATIVE', 'ATTACHMENT', 'ATTACHMENT_BYTES', 'ATTACHMENT_NOTE',
    'EIGHT_BIT', 'ENCODED', 'ENCODED_SUBJECT', 'FORWARD', 'LARGE',
    'LARGE_ATTACHMENT', 'LARGE_MIME', 'LARGE_TEXT', 'PLAIN', 'PLAIN_BODY',
    'PLAIN_HEADER', 'crlf', 'lf_only',
]


def crlf(text: str) -> bytes:
    """UTF-8 bytes with every line ending made CRLF."""
    return text.replace('\n', '\r\n').encode('utf-8')


def lf_only(data: bytes) -> bytes:
    """The same message with bare LF line endings, as some clients send."""
    return data.replace(b'\r\n', b'\n')


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode('ascii')
    return '\n'.join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


#: A plain 7-bit text message with every address field.
PLAIN_HEADER = crlf("""\
Date: Mon, 07 Feb 1994 21:52:25 -0800
From: Fred Foobar <foobar@Blurdybloop.example>
Subject: afternoon meeting
To: mooch@owatagu.siam.example
Cc: Alice Liddell <alice@wonderland.example>, bob@builder.example
Bcc: secret@hidden.example
Message-Id: <B27397-0100000@Blurdybloop.example>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

""")
PLAIN_BODY = crlf("""\
Hello Joe, do you think we can meet at 3:30 tomorrow?
The quarterly figures are attached to the wiki page.
""")
PLAIN = PLAIN_HEADER + PLAIN_BODY

#: A newsletter in text and HTML.
ALTERNATIVE = crlf("""\
Date: Tue, 15 Mar 2022 09:00:00 +0000
From: News Desk <news@daily.example>
To: subscriber@reader.example
Subject: Weekly digest: gardening tips
Message-ID: <digest-42@daily.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-boundary"

This is a multi-part message in MIME format.
--alt-boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Plant your tomatoes after the last frost.
--alt-boundary
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit

<html><body><p>Plant your <b>tomatoes</b> after the last frost.</p>\
</body></html>
--alt-boundary--
""")

#: The text of the base64 note attached to :data:`ATTACHMENT`.
ATTACHMENT_NOTE = b'Inventory list: 12 crates of zanzibar pepper.\r\n'
#: The binary attachment of :data:`ATTACHMENT`, NUL bytes included.
ATTACHMENT_BYTES = bytes(range(256)) + b'\x00\x00PDF-ish\x00'

#: A report with a base64 text note and a base64 binary attachment.
ATTACHMENT = crlf(f"""\
Date: Wed, 01 Jun 2022 14:30:00 +0200
From: Accounts <accounts@supplier.example>
To: buyer@shop.example
Subject: Invoice 2022-117
Message-ID: <inv-117@supplier.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-b"

--mixed-b
Content-Type: text/plain; charset=us-ascii

Please find the invoice and the inventory note attached.
--mixed-b
Content-Type: text/plain; charset=us-ascii; name="note.txt"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="note.txt"

{_base64_lines(ATTACHMENT_NOTE)}
--mixed-b
Content-Type: application/octet-stream; name="invoice.bin"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="invoice.bin"

{_base64_lines(ATTACHMENT_BYTES)}
--mixed-b--
""")

#: A forward: a note, then the original multipart message as
#: message/rfc822 (parts 2.1 and 2.2 live inside it).
FORWARD = crlf("""\
Date: Thu, 02 Jun 2022 08:15:00 +0000
From: Carol <carol@office.example>
To: dave@office.example
Subject: Fwd: lunch plans
Message-ID: <fwd-7@office.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=us-ascii

See below, forwarding for you.
--outer
Content-Type: message/rfc822
Content-Description: original message

Date: Wed, 01 Jun 2022 12:00:00 +0000
From: Erin <erin@office.example>
To: carol@office.example
Subject: lunch plans
Message-ID: <orig-3@office.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=us-ascii

Shall we try the new ramen place?
--inner
Content-Type: text/html; charset=us-ascii

<p>Shall we try the new <i>ramen</i> place?</p>
--inner--
--outer--
""")

#: The decoded subject of :data:`ENCODED`.
ENCODED_SUBJECT = 'Grüße aus München'

#: RFC 2047 encoded words in Subject and From, and a quoted-printable UTF-8
#: body.
ENCODED = crlf("""\
Date: Fri, 03 Jun 2022 18:45:00 +0200
From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
To: =?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>
Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=
Message-ID: <gruss-1@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Liebe Gr=C3=BC=C3=9Fe, der K=C3=A4sekuchen war k=C3=B6stlich und sehr lan=
g in Erinnerung.
""")

#: Raw 8-bit UTF-8 in the body, declared as such.
EIGHT_BIT = crlf("""\
Date: Sat, 04 Jun 2022 07:00:00 -0500
From: Zoë <zoe@cafe.example>
To: menu@cafe.example
Subject: menu update
Message-ID: <menu-9@cafe.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Today: crème brûlée and a naïve café au lait.
""")


#: The text part of :data:`LARGE`.
LARGE_TEXT = b'The photographs are attached; the report follows them.'
#: The header of the attachment of :data:`LARGE`, part 2.
LARGE_MIME = (b'Content-Type: application/octet-stream; name="photos.tar"\r\n'
              b'Content-Transfer-Encoding: base64\r\n\r\n')
#: The attachment of :data:`LARGE`: enough octets to make it a large
#: message, which a backend may read part by part.
LARGE_ATTACHMENT = bytes(range(256)) * 1600

#: A large message: a text, a base64 attachment of 400 KB and a forwarded
#: report (part 3, a message/rfc822 whose text is part 3.1).
LARGE = crlf(f"""\
Date: Fri, 03 Jun 2022 09:00:00 +0000
From: Grace <grace@lab.example>
To: heidi@lab.example
Subject: photographs and report
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="large-b"

--large-b
Content-Type: text/plain; charset=us-ascii

{LARGE_TEXT.decode('ascii')}
--large-b
""") + LARGE_MIME + crlf(f"""\
{_base64_lines(LARGE_ATTACHMENT)}
--large-b
Content-Type: message/rfc822

Subject: report
From: Ivan <ivan@lab.example>

The report is in the photographs.
--large-b--
""")
