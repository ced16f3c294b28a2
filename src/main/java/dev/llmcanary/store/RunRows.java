package dev.llmcanary.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Maps a {@link RunResult} to a {@code runs} row and back; the one place that knows the table's columns. */
final class RunRows {

    static final String COLUMNS = "run_id, canary, pool, endpoint, model, slo_class, started_at, outcome, reason, "
            + "ttft_seconds, e2e_seconds, output_tokens_per_second, output_tokens, trace_id, run_trigger";
    private static final String INSERT = "INSERT INTO runs (" + COLUMNS + ", result_json, evidence_json, "
            + "during_load_probe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int MAX_REASON = 2000;

    private final ObjectMapper json;

    RunRows(ObjectMapper json) {
        this.json = json;
    }

    void insert(Connection c, RunResult r) throws SQLException {
        String body = toJson(r);
        var t = r.timings();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, r.runId());
            ps.setString(2, r.canary());
            ps.setString(3, r.pool());
            ps.setString(4, r.endpoint());
            ps.setString(5, r.model());
            ps.setString(6, r.sloClass());
            ps.setObject(7, timestamp(r.startedAt()));
            ps.setString(8, r.outcome().label());
            ps.setString(9, clip(r.reason()));
            setDouble(ps, 10, t == null ? null : t.ttft());
            setDouble(ps, 11, t == null ? null : t.e2e());
            setDouble(ps, 12, t == null ? null : t.outputTokensPerSecond());
            if (r.tokens() == null) {
                ps.setNull(13, Types.INTEGER);
            } else {
                ps.setInt(13, r.tokens().output());
            }
            ps.setString(14, r.traceId());
            ps.setString(15, trigger(r).label());
            ps.setString(16, body);
            ps.setString(17, r.evidence() == null ? null : toJson(r.evidence()));
            ps.setBoolean(18, r.duringLoadProbe());
            ps.executeUpdate();
        }
    }

    RunResult fromJson(String body) {
        try {
            return json.readValue(body, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored run is not a readable result", e);
        }
    }

    /**
     * The stored result with its trigger: results stored before runs carried one have none in their JSON, and take
     * the column's (set by the migration: {@code gate} for gate runs, else {@code schedule}).
     */
    RunResult fromRow(String body, String trigger) {
        RunResult r = fromJson(body);
        return r.trigger() != null ? r : r.withTrigger(Trigger.valueOf(trigger.toUpperCase(Locale.ROOT)));
    }

    /** A result built without a trigger (only by hand) is stored as scheduled, the column's default. */
    private static Trigger trigger(RunResult r) {
        return r.trigger() == null ? Trigger.SCHEDULE : r.trigger();
    }

    static StoredRun summary(ResultSet rs) throws SQLException {
        return new StoredRun(rs.getString("run_id"), rs.getString("canary"), rs.getString("pool"),
                rs.getString("endpoint"), rs.getString("model"), rs.getString("slo_class"),
                instant(rs, "started_at"), rs.getString("outcome"), rs.getString("reason"),
                getDouble(rs, "ttft_seconds"), getDouble(rs, "e2e_seconds"),
                getDouble(rs, "output_tokens_per_second"), getInteger(rs, "output_tokens"), rs.getString("trace_id"),
                rs.getString("run_trigger"));
    }

    /** Both databases keep microseconds: truncating here makes a cursor built from a read row match the stored key. */
    static OffsetDateTime timestamp(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private String toJson(Object r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run result is not serialisable", e);
        }
    }

    private static String clip(String reason) {
        return reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || v.isNaN() || v.isInfinite()) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static Double getDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer getInteger(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
