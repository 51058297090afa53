"""The contracts between the IMAP layer and the backends.

:mod:`.login` is what the IMAP layer calls to authenticate; :mod:`.storage`
is the small storage contract a backend implements, under the shared
:class:`~pymap.backend.session.BaseSession`.
"""
