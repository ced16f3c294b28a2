package dev.llmcanary.store;


import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * The run store on a real PostgreSQL, the in-cluster choice. Needs {@code LLM_CANARY_TEST_PG_URL} (and
 * {@code _USER}/{@code _PASSWORD}, default llmcanary/llmcanary), which {@code .ci/run} sets after
 * {@code .ci/postgres.sh} started the server. Without it these tests fail under CI ({@code CI=true}) and are skipped
 * elsewhere.
 */
class PostgresRunStoreTest extends RunStoreContract {

    @Override
    DataSource freshDatabase() throws SQLException {
        DataSource ds = TestPostgres.dataSource();
        deleteAllRuns(ds);
        return ds;
    }

    @Override
    DataSource emptyDatabase() {
        return TestPostgres.emptySchema();
    }
}
