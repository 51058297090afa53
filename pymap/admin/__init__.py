"""The admin service (:mod:`pymap.admin.service`, entry point ``admin`` of
``pymap.service``): gRPC (``admin.proto``) on a UNIX socket, started with
the server unless ``--no-admin``; ``pymap-admin`` is its command-line
client (:mod:`pymap.admin.cli`), which imports none of the service.

It delivers mail from outside IMAP (an MTA's delivery command, scripts)
and manages users and mailboxes. The socket is private to the server's
user (see :mod:`pymap.admin.sockets`); a TCP listener exists only when
asked for, with TLS and a bearer token (:mod:`pymap.admin.tcp`).
"""
