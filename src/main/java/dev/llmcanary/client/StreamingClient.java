package dev.llmcanary.client;

import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamResult;
import dev.llmcanary.stream.StreamSession;
import dev.llmcanary.stream.SweepResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Streams one canary request with the Vert.x core HTTP client and feeds every body buffer to a {@link StreamSession}
 * stamped with {@code System.nanoTime()} the moment it arrives, before any parsing. Streams are spread over one
 * lane per event loop (one per core by default), each with its own HTTP client and share of the pool, whatever thread
 * starts them; everything of one stream runs on its lane's event loop and never blocks.
 */
public final class StreamingClient implements AutoCloseable {

    /** How long a response may take to end after [DONE] before its connection is dropped. */
    static final long DONE_LINGER_MILLIS = 1000;
    /** How a body without framing ended: the connection closed, which never proves the server meant to stop. */
    static final String UNFRAMED_CLOSE = "connection closed (body neither chunked nor sized)";

    private final Vertx vertx;
    private final EventLoopWork loops;
    private final ClientSettings settings;
    /** One lane per event loop the client uses; a stream runs wholly on the lane it was given. */
    private final Lane[] lanes;
    private final AtomicInteger nextLane = new AtomicInteger();
    /** Streams in flight per endpoint (scheme://authority, as the pools key their connections) and lane. */
    private final ConcurrentHashMap<String, int[]> perEndpoint = new ConcurrentHashMap<>();

    public StreamingClient(Vertx vertx, ClientSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.loops = new EventLoopWork(vertx, settings.sweepPeriod().toMillis());
        List<ContextInternal> contexts = eventLoopContexts(vertx, settings);
        // The pool maximum is the client's total: split over the lanes (never more lanes than connections), so the
        // configured maximum is never exceeded however the streams spread.
        int n = Math.min(contexts.size(), Math.max(1, settings.maxConnectionsPerHost()));
        this.lanes = new Lane[n];
        for (int i = 0; i < n; i++) {
            int share = settings.maxConnectionsPerHost() / n + (i < settings.maxConnectionsPerHost() % n ? 1 : 0);
            lanes[i] = new Lane(i, contexts.get(i), Math.max(1, share));
        }
    }

    /**
     * One event-loop context per loop of the Vert.x instance, up to {@link ClientSettings#eventLoops} (0: one per
     * core). Vert.x gives a caller that is not on an event loop one sticky context, and its HTTP pool connects on the
     * caller's loop: without these, every stream the scheduler, a gate or an on-demand run starts would land on one
     * loop whatever the core count.
     */
    private static List<ContextInternal> eventLoopContexts(Vertx vertx, ClientSettings settings) {
        VertxInternal vi = (VertxInternal) vertx;
        int wanted = settings.eventLoops() > 0 ? settings.eventLoops() : Runtime.getRuntime().availableProcessors();
        List<ContextInternal> contexts = new ArrayList<>();
        for (EventExecutor e : vi.getEventLoopGroup()) {
            if (contexts.size() == wanted) {
                break;
            }
            contexts.add(vi.createEventLoopContext((EventLoop) e, null, Thread.currentThread().getContextClassLoader()));
        }
        return contexts;
    }

    /** How many event loops the client spreads streams over. */
    public int eventLoops() {
        return lanes.length;
    }

    /** Streams started on event loop {@code index} since the client was built (a counter for the metric). */
    public long streamsStarted(int index) {
        return lanes[index].started.sum();
    }

    /** Streams running on event loop {@code index} now. */
    public int streamsInFlight(int index) {
        return lanes[index].inFlight.get();
    }

    /**
     * The name of the thread of event loop {@code index} (for per-thread CPU in the benchmark), or {@code null}
     * before the loop ran its first stream (it is taken there, never by blocking on the loop).
     */
    public String eventLoopThread(int index) {
        return lanes[index].threadName;
    }

    /** The connections per endpoint each event loop may open; they add up to the configured maximum. */
    public List<Integer> poolShares() {
        return java.util.Arrays.stream(lanes).map(l -> l.poolSize).toList();
    }

    /**
     * The lane for a new stream to {@code endpoint}: the one with the fewest streams in flight to that endpoint (each
     * lane has its own share of the endpoint's connections, so this keeps a stream from queueing on one lane while
     * another has a free connection), then the fewest in flight overall, ties broken round-robin. Called once per
     * stream, never per chunk; the entry of an endpoint with nothing in flight is dropped, so the map stays as small
     * as the set of endpoints in use.
     */
    private int pick(String endpoint) {
        int[] chosen = new int[1];
        perEndpoint.compute(endpoint, (k, counts) -> {
            int[] c = counts == null ? new int[lanes.length] : counts;
            int start = Math.floorMod(nextLane.getAndIncrement(), lanes.length);
            int best = start;
            for (int n = 1; n < lanes.length; n++) {
                int i = (start + n) % lanes.length;
                if (c[i] < c[best] || c[i] == c[best] && lanes[i].inFlight.get() < lanes[best].inFlight.get()) {
                    best = i;
                }
            }
            c[best]++;
            chosen[0] = best;
            return c;
        });
        return chosen[0];
    }

    private void done(String endpoint, int lane) {
        perEndpoint.computeIfPresent(endpoint, (k, c) -> {
            c[lane]--;
            return java.util.Arrays.stream(c).allMatch(n -> n == 0) ? null : c;
        });
    }

    /** Runs one stream; the future always succeeds, with either a result or a transport error. */
    public Future<Attempt> stream(StreamRequest request, StreamOptions options, StreamListener listener) {
        // Every callback of one attempt, the deadline included, runs on its lane's context, so the session is only
        // ever touched by one thread; the lane's own pool connected on that loop, so reads need no hop either.
        String endpoint = request.baseUrl().getScheme() + "://" + request.baseUrl().getRawAuthority();
        int index = pick(endpoint);
        Lane lane = lanes[index];
        lane.started.increment();
        lane.inFlight.incrementAndGet();
        Future<Attempt> attempt;
        if (Vertx.currentContext() == lane.context) {
            attempt = begin(lane, request, options, listener);
        } else {
            Promise<Attempt> started = Promise.promise();
            lane.context.runOnContext(v -> begin(lane, request, options, listener).onComplete(started));
            attempt = started.future();
        }
        return attempt.onComplete(ar -> {
            lane.inFlight.decrementAndGet();
            done(endpoint, index);
        });
    }

    private Future<Attempt> begin(Lane lane, StreamRequest request, StreamOptions options,
                                  StreamListener listener) {
        long start = System.nanoTime();
        if (lane.threadName == null) {
            lane.threadName = Thread.currentThread().getName();
        }
        Run run = new Run(lane, new StreamSession(options, listener, start), start);
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(Urls.join(request.baseUrl().toString(), request.path()))
                .setConnectTimeout(request.connectTimeout().toMillis());
        request.headers().forEach(ro::putHeader);
        // All three limits count from the attempt's start, connecting (and its retries) included.
        long deadlineTimer = vertx.setTimer(Math.max(1, request.deadline().toMillis()),
                id -> run.deadline(request.deadline()));
        long headersTimer = vertx.setTimer(Math.max(1, request.headersTimeout().toMillis()),
                id -> run.headersTimeout(request.headersTimeout()));
        long firstTokenTimer = vertx.setTimer(Math.max(1, request.firstTokenTimeout().toMillis()),
                id -> run.firstTokenTimeout(request.firstTokenTimeout()));
        run.promise.future().onComplete(ar -> {
            vertx.cancelTimer(deadlineTimer);
            vertx.cancelTimer(headersTimer);
            vertx.cancelTimer(firstTokenTimer);
        });
        connect(run, ro, request, listener);
        return run.promise.future();
    }

    /**
     * Obtains a connection and sends the request on it. Establishing the connection (DNS, TCP, TLS) may be retried a
     * bounded number of times, within the run's deadline; once a request exists it is never sent again, so a measured
     * request is never silently re-run.
     */
    private void connect(Run run, RequestOptions ro, StreamRequest request, StreamListener listener) {
        run.lane.http.request(ro).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(run, ro, request, listener, TransportErrors.classify(ar.cause()));
                return;
            }
            long obtained = System.nanoTime();
            HttpClientRequest req = ar.result();
            boolean newConnection = run.lane.unleased.remove(req.connection());
            if (run.promise.future().isComplete()) {
                // The attempt was given up (deadline) while waiting for a connection: never send it.
                req.reset();
                return;
            }
            run.connected(req, obtained, newConnection);
            req.response().onComplete(rar -> {
                if (rar.failed()) {
                    run.failedBeforeOrDuring(rar.cause());
                } else {
                    run.headers(rar.result());
                }
            });
            // The lower edge of the request bracket, taken before the bytes go to the socket: the server cannot have
            // received them earlier, so TTFT measured from here is never below its truth. The completion stamp can be
            // late (a busy event loop runs the callback after the server already answered) and is kept as the
            // upper edge only.
            run.session.requestWritten(System.nanoTime());
            req.end(request.body()).onComplete(w -> {
                if (w.succeeded()) {
                    run.session.requestWriteCompleted(System.nanoTime());
                } else {
                    run.failedBeforeOrDuring(w.cause());
                }
            });
        });
    }

    private void connectFailed(Run run, RequestOptions ro, StreamRequest request, StreamListener listener,
                               TransportError error) {
        if (run.promise.future().isComplete()) {
            return; // the deadline already ended the attempt
        }
        if (run.connectRetries < settings.connectRetries() && TransportErrors.retryable(error)) {
            int retry = ++run.connectRetries;
            listener.connectRetry(retry, error.kind(), System.nanoTime());
            long wait = Math.max(1, settings.connectRetryBackoff().toMillis() << Math.min(retry - 1, 10));
            vertx.setTimer(wait, id -> {
                if (!run.promise.future().isComplete()) {
                    connect(run, ro, request, listener);
                }
            });
            return;
        }
        run.transportError(run.connectRetries == 0 ? error : new TransportError(error.kind(),
                error.message() + " (after " + run.connectRetries + " connection retries)"));
    }

    /**
     * Whether the body carries its own end: HTTP/2's end of stream, a chunked terminator or a Content-Length. Netty
     * reports a chunked or sized body cut short as an exception (so {@link StreamSession#failed}), but a body with
     * neither (HTTP/1.0, or a proxy that strips the chunking) ends only by the connection closing, which Vert.x
     * reports as a normal end: that close cannot prove the server finished, so it is judged as a close.
     */
    static boolean selfDelimited(HttpClientResponse resp) {
        if (resp.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
            return true;
        }
        String encoding = resp.getHeader("transfer-encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")
                || resp.getHeader("content-length") != null;
    }

    private static String seconds(java.time.Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }

    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.http.close();
        }
    }

    /**
     * One event loop's share of the client: its context, its own HTTP client and pool (which connects on this loop,
     * so a stream's socket reads and callbacks share one thread) and its counters.
     */
    private final class Lane {
        final int index;
        final ContextInternal context;
        /** This loop's deferred parsing, stall sweep and hold probe: one per Netty event loop, never shared. */
        final EventLoopWork.Loop work;
        final HttpClient http;
        final int poolSize;
        volatile String threadName;
        final LongAdder started = new LongAdder();
        final AtomicInteger inFlight = new AtomicInteger();
        /**
         * Connections established but not yet leased: the pool hands a new connection first to the attempt whose
         * wait made it connect, so an attempt that finds its connection here connected, and one that does not was
         * given a pooled connection (immediately, or after queueing while every connection of the pool was busy).
         */
        final Set<HttpConnection> unleased = ConcurrentHashMap.newKeySet();

        Lane(int index, ContextInternal context, int poolSize) {
            this.index = index;
            this.context = context;
            this.work = loops.loop(context);
            this.poolSize = poolSize;
            HttpClientOptions options = new HttpClientOptions()
                    .setTcpNoDelay(true)
                    .setKeepAlive(true)
                    .setTryUseCompression(false) // compression would batch tokens and distort arrival times
                    .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE) // one span per run is ours
                    .setConnectTimeout((int) settings.connectTimeout().toMillis());
            this.http = vertx.httpClientBuilder().with(options)
                    // event-loop size 0: the pool connects on the requesting context's loop, always this lane's
                    .with(new PoolOptions().setHttp1MaxSize(poolSize).setEventLoopSize(0))
                    .withConnectHandler(this::established) // runs before the new connection is leased
                    .build();
        }

        private void established(HttpConnection connection) {
            unleased.add(connection);
            connection.closeHandler(v -> unleased.remove(connection)); // one whose attempt gave up is never leased
        }
    }

    /** The state of one attempt; all callbacks happen on the same event loop. */
    private final class Run implements EventLoopWork.Stream {
        final Lane lane;
        final StreamSession session;
        final long start;
        final Promise<Attempt> promise = Promise.promise();
        long connected = -1;
        boolean newConnection;
        HttpClientRequest request;
        boolean headersSeen;
        boolean responseEnded;
        boolean readingErrorBody;
        String retryAfter;
        String server;
        int connectRetries;
        EventLoopWork.Loop loop;
        // Buffers stamped but not yet parsed: at most what one loop iteration read for this stream.
        Buffer[] pending = new Buffer[4];
        long[] pendingAt = new long[4];
        int pendingCount;

        Run(Lane lane, StreamSession session, long start) {
            this.lane = lane;
            this.session = session;
            this.start = start;
        }

        void connected(HttpClientRequest req, long at, boolean established) {
            this.request = req;
            this.connected = at;
            this.newConnection = established;
            this.loop = lane.work;
            loop.watch(this);
        }

        void arrived(Buffer buffer, long at) {
            if (pendingCount == pending.length) {
                pending = java.util.Arrays.copyOf(pending, pendingCount * 2);
                pendingAt = java.util.Arrays.copyOf(pendingAt, pendingCount * 2);
            }
            pending[pendingCount] = buffer;
            pendingAt[pendingCount] = at;
            if (pendingCount++ == 0) {
                loop.dirty(this);
            }
        }

        @Override
        public void drain() {
            int n = pendingCount;
            pendingCount = 0;
            for (int i = 0; i < n; i++) {
                Buffer b = pending[i];
                pending[i] = null;
                if (promise.future().isComplete()) {
                    continue;
                }
                session.bytes(b, pendingAt[i]);
                if (session.terminated()) {
                    finishAndClose(pendingAt[i]);
                }
            }
        }

        void headers(HttpClientResponse resp) {
            long at = System.nanoTime();
            headersSeen = true;
            retryAfter = resp.getHeader("retry-after");
            server = resp.getHeader("server");
            boolean stream = session.headers(resp.statusCode(), resp.getHeader("content-type"),
                    resp.getHeader("retry-after"), at);
            if (!stream) {
                resp.exceptionHandler(ignored -> { }); // a reset of ours, not an error to log
                if (resp.statusCode() < 200 || resp.statusCode() > 299) {
                    readErrorBody(resp);
                    return;
                }
                // A 2xx of the wrong content type has nothing to say: drop the connection rather than read its body.
                complete(at);
                reset();
                return;
            }
            boolean framed = selfDelimited(resp);
            // Stamp first, parse later (after this loop iteration's reads): see EventLoopWork.
            resp.handler(buffer -> arrived(buffer, System.nanoTime()));
            resp.endHandler(v -> {
                long now = System.nanoTime();
                responseEnded = true;
                drain();
                if (!promise.future().isComplete()) {
                    if (framed) {
                        session.end(now);
                    } else {
                        session.failed(UNFRAMED_CLOSE, now);
                    }
                    complete(now);
                }
            });
            resp.exceptionHandler(cause -> {
                drain();
                failedBeforeOrDuring(cause);
            });
        }

        /**
         * An error answer's body holds the server's reason ("request exceeds the available context size"): a bounded
         * prefix is read, within the attempt's own timers (first token, total), then the attempt ends. A body read to
         * its end leaves the connection reusable; one cut at the prefix limit or by a timer is reset.
         */
        private void readErrorBody(HttpClientResponse resp) {
            readingErrorBody = true;
            resp.handler(buffer -> {
                if (!promise.future().isComplete() && !session.errorBody(buffer)) {
                    complete(System.nanoTime());
                    reset();
                }
            });
            resp.endHandler(v -> {
                responseEnded = true;
                complete(System.nanoTime());
            });
            resp.exceptionHandler(cause -> complete(System.nanoTime())); // what arrived still says why
        }

        void failedBeforeOrDuring(Throwable cause) {
            if (promise.future().isComplete()) {
                return;
            }
            if (!headersSeen) {
                transportError(TransportErrors.classify(cause));
                return;
            }
            long now = System.nanoTime();
            session.failed(TransportErrors.describe(cause), now);
            complete(now);
        }

        void transportError(TransportError error) {
            promise.tryComplete(new Attempt(null, error, start, connected, null, connectRetries, newConnection));
            reset();
        }

        /** The total timeout: before headers a {@code timeout} error, after them the stream is cut. */
        void deadline(java.time.Duration limit) {
            drain(); // what was read in this loop iteration counts, [DONE] included
            if (promise.future().isComplete()) {
                return;
            }
            if (!headersSeen) {
                noHeaders(limit);
                return;
            }
            long now = System.nanoTime();
            session.timedOut("total: stream not complete within " + seconds(limit) + " of the start, stream aborted",
                    now);
            finishAndClose(now);
        }

        void headersTimeout(java.time.Duration limit) {
            drain();
            if (!promise.future().isComplete() && !headersSeen) {
                noHeaders(limit);
            }
        }

        void firstTokenTimeout(java.time.Duration limit) {
            drain();
            if (promise.future().isComplete()) {
                return;
            }
            if (!headersSeen) {
                noHeaders(limit);
                return;
            }
            if (!session.tokenSeen()) {
                long now = System.nanoTime();
                session.timedOut("first_token: no token within " + seconds(limit) + " of the start, stream aborted",
                        now);
                finishAndClose(now);
            }
        }

        private void noHeaders(java.time.Duration limit) {
            String retries = connectRetries == 0 ? "" : " (" + connectRetries + " connection retries)";
            transportError(new TransportError("timeout",
                    "timeout: headers: no response headers within " + seconds(limit) + " of the start" + retries));
        }

        @Override
        public boolean sweep(long now) {
            drain();
            if (promise.future().isComplete()) {
                return false;
            }
            if (headersSeen && session.sweep(now) == SweepResult.ABORT) {
                finishAndClose(now);
                return false;
            }
            return true;
        }

        /**
         * Ends the attempt now. A stream cut short is reset; one that ended with [DONE] may drain and be reused, but
         * a server that never ends the body after [DONE] must not keep the pooled connection: it is reset after a
         * short linger.
         */
        private void finishAndClose(long now) {
            if (!complete(now)) {
                return;
            }
            if (session.finish(now).aborted() || readingErrorBody) {
                reset();
            } else if (!responseEnded) {
                vertx.setTimer(DONE_LINGER_MILLIS, id -> {
                    if (!responseEnded) {
                        reset();
                    }
                });
            }
        }

        private boolean complete(long now) {
            if (promise.future().isComplete()) {
                return false;
            }
            if (loop != null && session.firstTokenAt() >= 0) {
                session.clientHeld(loop.holdsDuring(session.firstTokenAt(), session.lastTokenAt(), now));
            }
            StreamResult result = session.finish(now);
            return promise.tryComplete(new Attempt(result, null, start, connected, retryAfter, connectRetries, newConnection,
                    server));
        }

        private void reset() {
            if (request != null) {
                request.reset(); // closes an HTTP/1 connection mid-stream so it is never reused half-read
            }
        }
    }

}
