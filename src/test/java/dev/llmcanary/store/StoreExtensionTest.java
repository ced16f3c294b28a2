package dev.llmcanary.store;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The store tests' fixture keeps its promise: each test starts on the current schema with no rows. */
class StoreExtensionTest {

    @Test
    void h2GivesEachTestADatabaseOfItsOwn() throws SQLException {
        StoreExtension h2 = StoreExtension.h2();
        h2.beforeEach(null);
        claim(h2.database());
        assertThat(claims(h2.database())).isEqualTo(1);

        h2.beforeEach(null);

        assertThat(claims(h2.database())).as("claims seen by the next test").isZero();
    }

    /** PostgreSQL is one schema per JVM: rows of an earlier test are deleted, the migration history is kept. */
    @Test
    void postgresStartsEachTestWithNoRowsAndTheSchemaKept() throws SQLException {
        StoreExtension pg = StoreExtension.postgres();
        pg.beforeEach(null);
        claim(pg.database());
        assertThat(claims(pg.database())).isPositive();

        pg.beforeEach(null);

        assertThat(claims(pg.database())).as("claims seen by the next test").isZero();
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getInt(1)).as("migrations recorded").isPositive();
        }
    }

    private static void claim(Database db) throws SQLException {
        assertThat(new JobClaims(db, "a", Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC))
                .claim("fixture-check", 1)).isTrue();
    }

    private static int claims(Database db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM job_claims")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
