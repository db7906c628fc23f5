"""Keeping the bot token and the webhook secret out of the logs, wherever the adapter runs.

`coach run` blanks secrets in its log formatter, but the adapter does not count on whoever
runs it having done so (a test, a bench, another host): PTB and httpx would write the token
to any handler listening at DEBUG or INFO.
"""

from __future__ import annotations

import logging
from urllib.parse import quote


class RedactSecrets(logging.Filter):
    """Blanks out secrets in log records: PTB logs the Bot API URL, which holds the token,
    and every call's parameters (a webhook's secret token) at DEBUG; httpx logs each
    request URL at INFO. A filter sees only records logged on its own logger, never those
    of its children, so it is put on every logger of those libraries (`attach`); the
    traceback text is redacted too."""

    LIBRARIES = ("telegram", "httpx", "httpcore", "adapters.telegram")

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        found = {s for s in secrets if s}
        found |= {quote(s, safe="") for s in found}  # as it appears inside a URL
        self.secrets = sorted(found, key=len, reverse=True)
        self._loggers: list[logging.Logger] = []

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def attach(self) -> None:
        names = [
            name
            for name in list(logging.Logger.manager.loggerDict)
            if any(name == lib or name.startswith(lib + ".") for lib in self.LIBRARIES)
        ]
        for name in {*names, *self.LIBRARIES}:
            logger = logging.getLogger(name)
            logger.addFilter(self)
            self._loggers.append(logger)

    def detach(self) -> None:
        for logger in self._loggers:
            logger.removeFilter(self)
        self._loggers.clear()
