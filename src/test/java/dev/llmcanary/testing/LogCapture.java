package dev.llmcanary.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures every log record (message, parameters and MDC) while installed on the root logger. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    public static LogCapture install() {
        LogCapture c = new LogCapture();
        Logger.getLogger("").addHandler(c);
        return c;
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder b = new StringBuilder(record.getLoggerName()).append(' ');
        if (record instanceof ExtLogRecord ext) {
            b.append(ext.getFormattedMessage()).append(' ').append(ext.getMdcCopy());
        } else {
            b.append(record.getMessage());
        }
        lines.add(b.toString());
    }

    public List<String> lines() {
        return lines;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
