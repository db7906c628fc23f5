"""How an event or a tick reaches the features: the `Coach` routes each event to a
command, a question's flow, a button handler or — for plain text — the feature that fits
it (free_text), inside one transaction, and runs the work features queue on every
scheduler tick (ticks). `Turn` is what a handler sees of one event; flood control turns
away a sender who floods before any database work."""
