"""Getting proactive messages out: the contract a platform adapter fulfils, the outbox
that sends queued messages under the platforms' rate limits exactly once, and what
happens when a platform says a chat is gone."""
