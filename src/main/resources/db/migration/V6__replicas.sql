-- One row per live replica, refreshed by its heartbeat: while the store is down, each replica runs its share of the
-- jobs over the replicas it last saw here (docs/operations.md "Run store").
CREATE TABLE replicas (
    owner   VARCHAR(256)             NOT NULL PRIMARY KEY,
    seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX replicas_seen_at ON replicas (seen_at);
