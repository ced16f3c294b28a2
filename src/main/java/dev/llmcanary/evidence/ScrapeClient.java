package dev.llmcanary.evidence;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounded GETs of metrics pages and Prometheus query results on the Vert.x event loop: the whole exchange has a
 * deadline, the body a size cap, and every failure becomes a short reason ("timeout after 2 s"), never an exception.
 * Its own client, so a slow metrics page never holds a connection a canary stream waits for. Every GET asks
 * {@code Connection: close} and its connection ends with the response: a server that serves each connection on one
 * of a few HTTP threads (llama.cpp's) would otherwise keep a thread for our idle connection until it timed out.
 */
public final class ScrapeClient implements AutoCloseable {

    /** The largest body read; a bigger page is refused. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 << 20;

    private final Vertx vertx;
    private final HttpClient http;
    private final int maxBodyBytes;

    public ScrapeClient(Vertx vertx, int maxBodyBytes) {
        this.vertx = vertx;
        this.maxBodyBytes = maxBodyBytes;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false) // Connection: close, see the class comment
                .setTryUseCompression(false)
                .setTracingPolicy(TracingPolicy.IGNORE)); // scrapes are not canary runs: no client spans
    }

    /** What one GET got: a 2xx body, or why not. */
    public record Fetched(Buffer body, String failure) {
        static Fetched failed(String reason) {
            return new Fetched(null, reason);
        }
    }

    /** GETs {@code uri}; the future always succeeds. */
    public Future<Fetched> get(String uri, String accept, Duration timeout) {
        Promise<Fetched> done = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long limit = Math.max(1, timeout.toMillis());
        long timer = vertx.setTimer(limit, id -> {
            if (done.tryComplete(Fetched.failed("timeout after " + describe(timeout)))) {
                HttpClientRequest r = sent.get();
                if (r != null) {
                    r.reset();
                }
            }
        });
        done.future().onComplete(ar -> vertx.cancelTimer(timer));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                .setConnectTimeout(limit).putHeader("accept", accept).putHeader("user-agent", "llm-canary");
        http.request(options).onComplete(ar -> {
            if (ar.failed()) {
                done.tryComplete(Fetched.failed(reason(ar.cause())));
                return;
            }
            HttpClientRequest req = ar.result();
            sent.set(req);
            if (done.future().isComplete()) {
                req.reset();
                return;
            }
            req.response().onComplete(rar -> {
                if (rar.failed()) {
                    done.tryComplete(Fetched.failed(reason(rar.cause())));
                } else {
                    read(rar.result(), req, done);
                }
            });
            req.end().onFailure(e -> done.tryComplete(Fetched.failed(reason(e))));
        });
        return done.future();
    }

    private void read(HttpClientResponse resp, HttpClientRequest req, Promise<Fetched> done) {
        resp.exceptionHandler(e -> done.tryComplete(Fetched.failed(reason(e))));
        int status = resp.statusCode();
        if (status < 200 || status > 299) {
            done.tryComplete(Fetched.failed("HTTP " + status));
            req.reset();
            return;
        }
        String length = resp.getHeader("content-length");
        if (length != null && tooLong(length)) {
            done.tryComplete(Fetched.failed(tooLarge()));
            req.reset();
            return;
        }
        Buffer body = Buffer.buffer();
        resp.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                done.tryComplete(Fetched.failed(tooLarge()));
                req.reset();
            } else {
                body.appendBuffer(chunk);
            }
        });
        resp.endHandler(v -> done.tryComplete(new Fetched(body, null)));
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // counted as it arrives
        }
    }

    private String tooLarge() {
        return "body too large (over " + maxBodyBytes + " bytes)";
    }

    /** A short reason; never the exception's message, which may carry a host name. */
    static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectTimeoutException || c instanceof TimeoutException) {
                return "timeout connecting";
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return "connection refused";
            }
            if (c instanceof UnknownHostException) {
                return "DNS lookup failed";
            }
        }
        return "I/O error (" + t.getClass().getSimpleName() + ")";
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public void close() {
        http.close();
    }
}
