"""The gRPC metadata keys that the admin service and ``pymap-admin``
share (a module light enough for the client to import)."""

__all__ = ['ERROR_KEY', 'TOKEN_KEY']

#: The trailing-metadata key that names the :class:`ErrorCode` of a
#: refused request (``admin.proto``).
ERROR_KEY = 'pymap-error'

#: The request metadata that carries the bearer token of a TCP client.
TOKEN_KEY = 'authorization'
