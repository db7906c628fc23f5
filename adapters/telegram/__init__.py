"""The Telegram adapter (python-telegram-bot 22): updates in as core events, replies out as
Telegram messages. Translation only: every decision is the coach's.

In: a private message, a command in a group (`/help` or `/help@ThisBot`; commands for other
bots and plain group chatter are ignored), a reply to one of the bot's messages in a group,
and a button press (its callback data is the button payload). `update_id` goes into the event
so the coach handles an update delivered twice only once. `user_is_admin` is looked up with
getChatMember only for `/cohort` commands and cohort buttons in groups; elsewhere it is False.

Out: plain text (no parse mode, so nothing a user typed can turn into markup), split at
4,096 characters; reply buttons as an inline keyboard; `Reply.image` as a photo and
`Reply.file` as a document. Every button press is answered (`answerCallbackQuery`) once the
coach has answered it, with the reply's `notice` when the press did nothing (an expired or
stale button) — the spinner never just stops in silence. Pressing
an answer to a question replaces that question, in place, with the coach's next message, so a
guided check-in stays one tidy message; any other button press just drops the old keyboard
(in groups, shared menus are left as they are). A reply marked `private` in a group goes to the
user's private chat instead.

Modes: long polling by default; a webhook (`webhook_url` set) for several workers behind a
load balancer, served by a small aiohttp server that checks the secret token on every request.

Failures never stop the process: 429s are waited out (live replies here, proactive sends by
the outbox, which holds the whole queue; PTB's `AIORateLimiter` paces, and hands a 429 back
without calling it an error, since it never is the end of a message), network errors
retried with backoff, a user who blocked the bot is reported through `on_unreachable`, and a
malformed update is logged and skipped (it would otherwise block getUpdates for good). A
message is never sent twice: a send that timed out waiting for Telegram's answer may have
arrived, so it is not retried (`Unconfirmed` for the outbox); only failures that surely
happened before Telegram acted (no connection, an error status, a 429) are.

The pieces: `config` (settings, URLs, the webhook secret), `adapter` (lifecycle and updates
in), `sending` (replies out), `rendering` (Telegram's message limits), `commands` (menus,
which commands are ours), `errors` (reading failures, retrying calls), `pacing` (the rate
limiter), `webhook` (the server) and `redact` (secrets kept out of logs). Every module logs
as "adapters.telegram", the one name the adapter had before it was split.
"""

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import TelegramConfig, api_urls, webhook_secret_for
from adapters.telegram.redact import RedactSecrets
from adapters.telegram.rendering import MAX_TEXT, split_text, utf16_len

__all__ = [
    "MAX_TEXT",
    "RedactSecrets",
    "TelegramAdapter",
    "TelegramConfig",
    "api_urls",
    "split_text",
    "utf16_len",
    "webhook_secret_for",
]
