package dev.llmcanary.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which replicas share the store, as their heartbeats say: each replica refreshes its row and reads who else did
 * recently. The scheduler keeps the last answer, so during an outage each replica knows whom to share the jobs with.
 * Blocking: call off the event loop.
 */
public final class ReplicaHeartbeats {

    private static final String UPDATE = "UPDATE replicas SET seen_at = ? WHERE owner = ?";
    private static final String INSERT = "INSERT INTO replicas (owner, seen_at) VALUES (?, ?)";
    private static final String ALIVE = "SELECT owner FROM replicas WHERE seen_at >= ? ORDER BY owner";
    private static final String LEAVE = "DELETE FROM replicas WHERE owner = ?";
    private static final String PURGE = "DELETE FROM replicas WHERE seen_at < ?";

    private final Database db;
    private final String owner;
    private final Clock clock;

    public ReplicaHeartbeats(Database db, String owner, Clock clock) {
        this.db = db;
        this.owner = owner;
        this.clock = clock;
    }

    /**
     * Records this replica as alive now and returns every replica seen within {@code window} (this one included),
     * sorted.
     */
    public List<String> beat(Duration window) throws SQLException {
        Instant now = clock.instant();
        try (Connection c = db.connect()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                ps.setObject(1, RunRows.timestamp(now));
                ps.setString(2, owner);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setString(1, owner);
                    ps.setObject(2, RunRows.timestamp(now));
                    ps.executeUpdate();
                }
            }
            List<String> alive = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(ALIVE)) {
                ps.setObject(1, RunRows.timestamp(now.minus(window)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        alive.add(rs.getString(1));
                    }
                }
            }
            return alive;
        }
    }

    /** Removes this replica's row (a clean stop), so the others stop counting it at once. */
    public void leave() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(LEAVE)) {
            ps.setString(1, owner);
            ps.executeUpdate();
        }
    }

    /** Deletes rows of replicas not seen since {@code before}; returns how many. */
    public int purge(Instant before) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(PURGE)) {
            ps.setObject(1, RunRows.timestamp(before));
            return ps.executeUpdate();
        }
    }
}
