package dev.llmcanary.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * Lets replicas sharing one database split the scheduled ticks: each (job, slot) can be claimed once, by whichever
 * replica inserts its row first. The table's primary key does the arbitration, so there is no lease to expire: a
 * replica that stops claiming simply leaves the next slots to the others.
 */
public final class JobClaims {

    /** SQLState of a unique-key violation in PostgreSQL and H2 alike. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INSERT = "INSERT INTO job_claims (job_key, slot, owner, claimed_at) VALUES (?, ?, ?, ?)";
    private static final String PURGE = "DELETE FROM job_claims WHERE claimed_at < ?";

    private final Database db;
    private final String owner;
    private final Clock clock;

    /** @param owner this replica's id, stored with its claims (for people looking at the table) */
    public JobClaims(Database db, String owner, Clock clock) {
        this.db = db;
        this.owner = owner;
        this.clock = clock;
    }

    /** This replica's id. */
    public String owner() {
        return owner;
    }

    /**
     * Claims the job's slot for this replica.
     *
     * @return true when this replica won it, false when another replica (or an earlier call) already had it
     * @throws SQLException when the database cannot say (unreachable, not migrated)
     */
    public boolean claim(String jobKey, long slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, jobKey);
            ps.setLong(2, slot);
            ps.setString(3, owner);
            ps.setObject(4, RunRows.timestamp(clock.instant()));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes claims made before {@code before}; returns how many. */
    public int purge(Instant before) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(PURGE)) {
            ps.setObject(1, RunRows.timestamp(before));
            return ps.executeUpdate();
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (UNIQUE_VIOLATION.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
