-- One row per scheduled tick a replica took: the primary key lets exactly one replica win each (job, slot).
CREATE TABLE job_claims (
    job_key    VARCHAR(1024)            NOT NULL,
    slot       BIGINT                   NOT NULL,
    owner      VARCHAR(256)             NOT NULL,
    claimed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_key, slot)
);

CREATE INDEX job_claims_claimed_at ON job_claims (claimed_at);
