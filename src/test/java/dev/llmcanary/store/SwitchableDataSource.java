package dev.llmcanary.store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/** A real data source that can be switched off, to play an unreachable database. */
final class SwitchableDataSource implements DataSource {

    private final DataSource delegate;
    private volatile boolean down;
    private volatile int attempts;
    private volatile java.util.concurrent.CountDownLatch hang;

    SwitchableDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    void down(boolean down) {
        this.down = down;
    }

    /** Connections hang (a blackholed network) until {@link #answer()}. */
    void hang() {
        hang = new java.util.concurrent.CountDownLatch(1);
    }

    /** Hanging connections go on. */
    void answer() {
        java.util.concurrent.CountDownLatch h = hang;
        hang = null;
        if (h != null) {
            h.countDown();
        }
    }

    int attempts() {
        return attempts;
    }

    @Override
    public Connection getConnection() throws SQLException {
        attempts++;
        java.util.concurrent.CountDownLatch h = hang;
        if (h != null) {
            try {
                h.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", "08001");
            }
        }
        if (down) {
            throw new SQLException("Connection refused", "08001");
        }
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
