"""Sans-I/O IMAP protocol layer: bytes in, typed commands out; typed
responses in, bytes out (RFC 3501 §9). Nothing here does I/O."""
