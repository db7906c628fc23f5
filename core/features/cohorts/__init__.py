"""Cohorts in group chats: `/cohort`, `/join`, `/leave`, `/summary` (commands), and the
group's workout-day reminder and end-of-day summary queued on each tick (posts)."""

from core.features.cohorts.commands import Cohorts

__all__ = ["Cohorts"]
