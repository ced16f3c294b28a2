package dev.llmcanary.gate.store;

import dev.llmcanary.store.TestPostgres;

import javax.sql.DataSource;
import java.sql.SQLException;

/** The gate store on PostgreSQL (needs {@code LLM_CANARY_TEST_PG_URL}; see {@link TestPostgres}). */
class PostgresGateStoreTest extends GateStoreContract {

    @Override
    DataSource freshDatabase() throws SQLException {
        DataSource ds = TestPostgres.dataSource();
        clear(ds);
        return ds;
    }
}
