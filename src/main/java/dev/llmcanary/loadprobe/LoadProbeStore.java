package dev.llmcanary.loadprobe;

import dev.llmcanary.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Load probes in the run database ({@code load_probes}, migration V4): rows, summaries, verdicts, zipped reports and
 * which run is each scenario's baseline. Blocking JDBC: call from worker threads only.
 */
public final class LoadProbeStore {

    private static final String COLUMNS = "probe_id, scenario, pool, state, verdict, reason, trigger_kind, started_at,"
            + " ended_at, baseline, summary_json, verdict_json, report_zip IS NOT NULL";

    private final Database db;

    public LoadProbeStore(Database db) {
        this.db = db;
    }

    /** Inserts or replaces a probe's row (the report is written separately). */
    public void save(StoredProbe p) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM load_probes WHERE probe_id = ?")) {
                del.setString(1, p.id());
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO load_probes (probe_id, scenario, pool, state,"
                    + " verdict, reason, trigger_kind, started_at, ended_at, baseline, summary_json, verdict_json)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ins.setString(1, p.id());
                ins.setString(2, p.scenario());
                ins.setString(3, p.pool());
                ins.setString(4, p.state());
                ins.setString(5, p.verdict());
                ins.setString(6, p.reason());
                ins.setString(7, p.trigger());
                ins.setTimestamp(8, Timestamp.from(p.startedAt()));
                if (p.endedAt() == null) {
                    ins.setNull(9, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ins.setTimestamp(9, Timestamp.from(p.endedAt()));
                }
                ins.setBoolean(10, p.baseline());
                ins.setString(11, p.summaryJson());
                ins.setString(12, p.verdictJson());
                ins.executeUpdate();
            }
            c.commit();
        }
    }

    public void saveReport(String id, byte[] zip) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE load_probes SET report_zip = ? WHERE probe_id = ?")) {
            ps.setBytes(1, zip);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    public Optional<byte[]> report(String id) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT report_zip FROM load_probes WHERE probe_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    public Optional<StoredProbe> find(String id) throws SQLException {
        List<StoredProbe> l = query("SELECT " + COLUMNS + " FROM load_probes WHERE probe_id = ?", id);
        return l.stream().findFirst();
    }

    /** The newest stored probes first, at most {@code limit}. */
    public List<StoredProbe> recent(int limit) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM load_probes ORDER BY started_at DESC, probe_id DESC LIMIT "
                + Math.max(1, limit), null);
    }

    /** The scenario's baseline run, if any. */
    public Optional<StoredProbe> baseline(String scenario) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM load_probes WHERE scenario = ? AND baseline = TRUE", scenario)
                .stream().findFirst();
    }

    /** Makes {@code id} the only baseline of its scenario. */
    public void promote(String scenario, String id) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement clear = c.prepareStatement(
                    "UPDATE load_probes SET baseline = FALSE WHERE scenario = ? AND baseline = TRUE");
                 PreparedStatement set = c.prepareStatement(
                         "UPDATE load_probes SET baseline = TRUE WHERE probe_id = ?")) {
                clear.setString(1, scenario);
                clear.executeUpdate();
                set.setString(1, id);
                set.executeUpdate();
            }
            c.commit();
        }
    }

    private List<StoredProbe> query(String sql, String arg) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            List<StoredProbe> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp ended = rs.getTimestamp(9);
                    out.add(new StoredProbe(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(),
                            ended == null ? null : ended.toInstant(), rs.getBoolean(10), rs.getString(11),
                            rs.getString(12), rs.getBoolean(13)));
                }
            }
            return out;
        }
    }
}
