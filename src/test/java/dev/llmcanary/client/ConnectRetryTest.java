package dev.llmcanary.client;

import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection establishment is retried a bounded number of times, within the deadline, and a request once written is
 * never sent again. The servers are plain {@link ServerSocket}s on loopback, so a port can refuse and then accept.
 */
class ConnectRetryTest {

    private static final String SSE = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private Vertx vertx;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private StreamingClient client(int retries, Duration backoff) {
        StreamingClient c = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 4,
                Duration.ofMillis(20), retries, backoff));
        closing.add(c);
        return c;
    }

    private static StreamRequest request(int port, Duration deadline) {
        return new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json"), Buffer.buffer("{\"stream\":true}"), Duration.ofSeconds(2),
                deadline);
    }

    private static StreamOptions options() {
        return new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L, 30_000_000_000L, 1 << 20, 1 << 24,
                100, Cumulative.AUTO, 0);
    }

    /** A port nothing listens on (yet). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Serves every connection on its own thread: reads one request, then answers with {@code answer}. */
    private ServerSocket serve(ServerSocket socket, AtomicInteger requests, boolean answer) {
        closing.add(socket);
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    closing.add(s);
                    readRequest(s.getInputStream());
                    requests.incrementAndGet();
                    OutputStream out = s.getOutputStream();
                    if (answer) {
                        byte[] body = SSE.getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: "
                                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                    } else {
                        s.close(); // read the request, then hang up without an answer
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-server");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    @Test
    void aPortThatRefusesThenAcceptsIsRetriedAndTheRequestSentOnce() throws Exception {
        int port = freePort();
        AtomicInteger requests = new AtomicInteger();
        List<String> retries = new CopyOnWriteArrayList<>();
        // The server starts listening when the first attempt has been refused, before the retry's backoff ends.
        StreamListener listener = new StreamListener() {
            @Override
            public void connectRetry(int retry, String kind, long atNanos) {
                retries.add(retry + ":" + kind);
                if (retry == 1) {
                    try {
                        serve(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()), requests, true);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };

        Attempt a = client(2, Duration.ofMillis(100)).stream(request(port, Duration.ofSeconds(10)), options(),
                listener).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(a.failedToStart()).as("error %s", a.error()).isFalse();
        assertThat(a.connectRetries()).isEqualTo(1);
        assertThat(retries).containsExactly("1:connection_refused");
        assertThat(requests.get()).isEqualTo(1);
        assertThat(a.result().violations()).isEmpty();
        // TTFT is measured from the request write, after the retry: the backoff is not in it (compared with the
        // attempt's own stamps, not a wall-clock bound a loaded machine may overrun).
        long ttftNanos = a.result().trace().firstToken() - a.result().trace().requestWritten();
        assertThat(a.result().trace().requestWritten() - a.startNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(ttftNanos).isLessThanOrEqualTo(a.result().trace().firstToken() - a.startNanos()
                - Duration.ofMillis(100).toNanos());
    }

    @Test
    void aPortThatKeepsRefusingIsTriedABoundedNumberOfTimes() throws Exception {
        List<String> retries = new CopyOnWriteArrayList<>();
        StreamListener listener = new StreamListener() {
            @Override
            public void connectRetry(int retry, String kind, long atNanos) {
                retries.add(retry + ":" + kind);
            }
        };

        Attempt a = client(2, Duration.ofMillis(10)).stream(request(freePort(), Duration.ofSeconds(10)), options(),
                listener).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(a.error().kind()).isEqualTo("connection_refused");
        assertThat(a.error().message()).isEqualTo("connection refused (after 2 connection retries)");
        assertThat(a.connectRetries()).isEqualTo(2);
        assertThat(retries).containsExactly("1:connection_refused", "2:connection_refused");
    }

    @Test
    void retriesNeverOutlastTheDeadline() throws Exception {
        long began = System.nanoTime();

        Attempt a = client(50, Duration.ofMillis(100)).stream(request(freePort(), Duration.ofMillis(500)), options(),
                StreamListener.NONE).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(a.error().kind()).isEqualTo("timeout");
        assertThat(a.connectRetries()).isBetween(1, 4);
        assertThat(System.nanoTime() - began).isLessThan(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void withRetriesOffARefusedConnectionIsOneTry() throws Exception {
        Attempt a = client(0, Duration.ofMillis(10)).stream(request(freePort(), Duration.ofSeconds(10)), options(),
                StreamListener.NONE).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(a.error()).isEqualTo(new TransportError("connection_refused", "connection refused"));
        assertThat(a.connectRetries()).isZero();
    }

    @Test
    void aRequestWrittenOnAConnectionThatThenClosesIsNeverSentAgain() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        ServerSocket socket = serve(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), requests, false);

        Attempt a = client(2, Duration.ofMillis(10)).stream(request(socket.getLocalPort(), Duration.ofSeconds(10)),
                options(), StreamListener.NONE).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(a.error().kind()).isEqualTo("connection_closed");
        assertThat(a.connectRetries()).isZero();
        assertThat(requests.get()).isEqualTo(1);
    }
}
