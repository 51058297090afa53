"""SEARCH evaluation (RFC 3501 §6.4.4) over the parsed key tree."""

from .query import SearchContext, SearchQuery

__all__ = ['SearchContext', 'SearchQuery']
