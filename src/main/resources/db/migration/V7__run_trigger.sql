-- What started each run: schedule, api or gate. Only scheduled runs count towards SLO compliance (/api/slo, the
-- status page), so the SLO query filters on this column and the index leads with it.
-- Rows written before this column existed: the runs of a gate are known from gate_runs and become 'gate'; the rest
-- become 'schedule', because nothing recorded an on-demand run as such and the scheduler wrote nearly all of them
-- (a few old on-demand runs may keep counting in windows that reach back before the upgrade, as they always did).
-- V7, not V6: another change reserves V6 (versions need not be contiguous).
ALTER TABLE runs ADD COLUMN run_trigger VARCHAR(16) DEFAULT 'schedule' NOT NULL;
UPDATE runs SET run_trigger = 'gate' WHERE run_id IN (SELECT run_id FROM gate_runs);
CREATE INDEX runs_trigger_started_at ON runs (run_trigger, started_at);
