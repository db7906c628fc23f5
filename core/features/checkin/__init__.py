"""The daily soreness check-in (feature): `/checkin`, its guided questions, typed
shorthand, soreness told in plain words, the trained muscle groups; and its questions
and the words its steps accept (questions)."""

from core.features.checkin.feature import Checkin

__all__ = ["Checkin"]
