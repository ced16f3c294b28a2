-- Load probes (docs/load-probes.md): one row per probe with its summary, verdict and zipped HTML report, so any
-- replica sharing the database can serve them. BYTEA is PostgreSQL's binary type and an H2 alias of VARBINARY.
CREATE TABLE load_probes (
    probe_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    scenario      VARCHAR(128) NOT NULL,
    pool          VARCHAR(128) NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    verdict       VARCHAR(16),
    reason        VARCHAR(2000),
    trigger_kind  VARCHAR(16)  NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at      TIMESTAMP WITH TIME ZONE,
    baseline      BOOLEAN      NOT NULL,
    summary_json  VARCHAR,
    verdict_json  VARCHAR,
    report_zip    BYTEA
);

CREATE INDEX load_probes_scenario_started_at ON load_probes (scenario, started_at);

-- Canary runs that happened while a load probe ran on their pool.
ALTER TABLE runs ADD COLUMN during_load_probe BOOLEAN;
