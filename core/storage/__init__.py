"""The database: the engine and its SQLite tuning, the schema and its migrations, group
commit, process-wide locks, and the queries several features share (users and their
conversation state, check-ins, reminders, cohorts, pain reports). Nothing here knows a
feature: features call into storage, never the other way round."""
