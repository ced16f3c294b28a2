package dev.llmcanary.client;

import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Turns a transport exception into a {@link TransportError} with a stable kind an operator can alert on. */
final class TransportErrors {

    private TransportErrors() {
    }

    static TransportError classify(Throwable t) {
        Throwable c = t;
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause()) {
            if (c instanceof UnknownHostException) {
                return new TransportError("dns", "DNS lookup failed"); // the message is the host name: not for logs
            }
            if (c instanceof SSLException) {
                return new TransportError("tls", "TLS handshake failed: " + c.getClass().getSimpleName());
            }
            if (c instanceof ConnectTimeoutException || c instanceof TimeoutException) {
                return new TransportError("timeout", "timed out connecting");
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return new TransportError("connection_refused", "connection refused");
            }
            if (c instanceof ClosedChannelException
                    || c instanceof io.vertx.core.http.HttpClosedException) {
                return new TransportError("connection_closed", "connection closed before response headers");
            }
        }
        return new TransportError("io", "I/O error before response headers: " + t.getClass().getSimpleName());
    }

    /**
     * Whether establishing a connection that failed this way is worth another try: refused, timed out and DNS failures
     * are often passing (a pod restarting, a name not yet published); a TLS failure (certificate, protocol) fails
     * the same way again.
     */
    static boolean retryable(TransportError error) {
        return switch (error.kind()) {
            case "connection_refused", "timeout", "dns" -> true;
            default -> false;
        };
    }

    /** A short human description of a mid-stream transport failure. */
    static String describe(Throwable t) {
        if (t instanceof io.vertx.core.http.HttpClosedException || t instanceof ClosedChannelException) {
            return "connection closed";
        }
        String m = t.getMessage();
        if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("reset")) {
            return "connection reset";
        }
        return "transport failure (" + t.getClass().getSimpleName() + ")";
    }
}
