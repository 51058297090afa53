"""pymap: a lightweight, asynchronous IMAP server with pluggable backends."""

__version__ = '0.1.0'
__all__ = ['__version__']
