-- One row per canary run. Plain SQL types that H2 2.x and PostgreSQL both accept; result_json holds the full result.
CREATE TABLE runs (
    run_id                   VARCHAR(64)  NOT NULL PRIMARY KEY,
    canary                   VARCHAR(128) NOT NULL,
    pool                     VARCHAR(128) NOT NULL,
    endpoint                 VARCHAR(128) NOT NULL,
    model                    VARCHAR(256) NOT NULL,
    slo_class                VARCHAR(128) NOT NULL,
    started_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome                  VARCHAR(16)  NOT NULL,
    reason                   VARCHAR(2000),
    ttft_seconds             DOUBLE PRECISION,
    e2e_seconds              DOUBLE PRECISION,
    output_tokens_per_second DOUBLE PRECISION,
    output_tokens            INTEGER,
    trace_id                 VARCHAR(64),
    result_json              VARCHAR      NOT NULL
);

CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_canary_started_at ON runs (canary, started_at);
CREATE INDEX runs_outcome_started_at ON runs (outcome, started_at);
