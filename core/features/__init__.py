"""One module (or package) per conversation: each owns its commands, its questions'
steps and its buttons, and installs them on the coach. Features never import each
other: they share through storage (the tables' queries), rules (pure decisions) and
the coach's registry (a feature runs another's command, as a `cmd:` button does)."""
