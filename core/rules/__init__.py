"""The coach's decisions as pure functions of their inputs: the soreness scale and
check-in wording, pain triage, the readiness verdict, the periodized program, reminder
schedule maths, trends across check-ins, cohort summaries, text and time-zone names.
Nothing here touches the database, reads the clock or does I/O, so each rule is tested
with a table of cases."""
