-- The events API filters by time and the pruner deletes by time: both would scan the table.
CREATE INDEX consistency_events_at ON consistency_events (at);
