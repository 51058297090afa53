"""Log set-up: readable lines by default, one JSON object per line for log
shippers (``--log-format json``)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

__all__ = ['JSONFormatter', 'setup_logging']

_TEXT_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'
_STANDARD = frozenset(vars(logging.makeLogRecord({})))


class JSONFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message,
    any ``extra`` fields, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            'time': datetime.fromtimestamp(record.created, UTC).isoformat(),
            'level': record.levelname,
            'logger': record.name,
            'message': record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items()
                     if key not in _STANDARD and key != 'message')
        if record.exc_info:
            entry['traceback'] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(debug: bool, log_format: str) -> None:
    """Configures the root logger for the server process."""
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter() if log_format == 'json'
                         else logging.Formatter(_TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
