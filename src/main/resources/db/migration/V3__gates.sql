-- One row per deployment gate: what was asked, its state, and the verdict (JSON) once decided. Plain SQL types that
-- H2 2.x and PostgreSQL both accept. owner/heartbeat_at let a replica finish gates whose process is gone.
CREATE TABLE gates (
    gate_id         VARCHAR(64)              NOT NULL PRIMARY KEY,
    suite           VARCHAR(128)             NOT NULL,
    candidate_pool  VARCHAR(128)             NOT NULL,
    baseline_kind   VARCHAR(16)              NOT NULL,
    baseline_ref    VARCHAR(256),
    state           VARCHAR(16)              NOT NULL,
    outcome         VARCHAR(16),
    idempotency_key VARCHAR(256),
    owner           VARCHAR(256)             NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE,
    runs_planned    INTEGER                  NOT NULL,
    runs_done       INTEGER                  NOT NULL,
    request_json    VARCHAR                  NOT NULL,
    verdict_json    VARCHAR
);

CREATE UNIQUE INDEX gates_idempotency_key ON gates (idempotency_key);
CREATE INDEX gates_created_at ON gates (created_at);
CREATE INDEX gates_state ON gates (state);

-- The canary runs of a gate, in start order; the runs themselves (with their trace ids) are in runs.
CREATE TABLE gate_runs (
    gate_id  VARCHAR(64) NOT NULL,
    seq      INTEGER     NOT NULL,
    side     VARCHAR(16) NOT NULL,
    run_id   VARCHAR(64) NOT NULL,
    trace_id VARCHAR(64),
    outcome  VARCHAR(16) NOT NULL,
    PRIMARY KEY (gate_id, seq)
);
