package dev.llmcanary.store;

import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/** The run store on the embedded default database: a fresh in-memory H2 per test. */
class H2RunStoreTest extends RunStoreContract {

    @Override
    DataSource freshDatabase() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Override
    DataSource emptyDatabase() {
        return freshDatabase();
    }
}
