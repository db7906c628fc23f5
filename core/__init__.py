"""The coach itself: platform-neutral, so every adapter gets the same behaviour."""
