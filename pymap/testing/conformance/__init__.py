"""The conformance suite: every IMAP behaviour pymap promises, driven over
real sockets with ``imaplib``, ``imapclient`` and raw transcripts.

It runs against any backend through the pytest plugin
:mod:`pymap.testing.plugin`; see that module for the command line. pymap's
own dict, maildir and redis backends are tested with exactly this suite.
"""
