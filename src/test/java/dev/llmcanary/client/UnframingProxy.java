package dev.llmcanary.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A test stand-in for an HTTP/1.0-style hop in front of a server: forwards each request to the upstream and relays
 * the response body with neither chunked encoding nor Content-Length, so the client can only learn that the body
 * ended from the connection closing. The upstream's own end and an upstream connection dropped mid-body both become
 * the same plain close, which is exactly what the client cannot tell apart.
 */
final class UnframingProxy implements AutoCloseable {

    private final Vertx vertx;
    private final HttpClient upstream;
    private final int upstreamPort;
    private NetServer server;

    UnframingProxy(Vertx vertx, int upstreamPort) {
        this.vertx = vertx;
        this.upstreamPort = upstreamPort;
        this.upstream = vertx.createHttpClient();
    }

    /** Starts listening on a free loopback port; completes with it. */
    Future<Integer> start() {
        server = vertx.createNetServer().connectHandler(this::serve);
        return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
    }

    private void serve(NetSocket client) {
        Buffer received = Buffer.buffer();
        client.handler(bytes -> {
            received.appendBuffer(bytes);
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return;
            }
            String[] lines = text.substring(0, headEnd).split("\r\n");
            int length = 0;
            RequestOptions ro = new RequestOptions().setHost("127.0.0.1").setPort(upstreamPort)
                    .setMethod(HttpMethod.valueOf(lines[0].split(" ")[0])).setURI(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "host", "connection", "transfer-encoding" -> { }
                    default -> ro.putHeader(name, value);
                }
            }
            if (received.length() < headEnd + 4 + length) {
                return;
            }
            Buffer body = received.getBuffer(headEnd + 4, headEnd + 4 + length);
            client.handler(ignored -> { });
            forward(client, ro, body);
        });
    }

    private void forward(NetSocket client, RequestOptions ro, Buffer body) {
        upstream.request(ro).onFailure(e -> client.close()).onSuccess(req -> {
            client.closeHandler(v -> req.reset()); // the client gave up (e.g. a stall abort): drop the upstream too
            req.response().onFailure(e -> client.close()).onSuccess(resp -> {
                String contentType = resp.getHeader("content-type");
                client.write("HTTP/1.1 " + resp.statusCode() + " " + resp.statusMessage() + "\r\n"
                        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                        + "Connection: close\r\n\r\n");
                resp.handler(client::write);
                resp.endHandler(v -> client.close());
                resp.exceptionHandler(e -> client.close());
            });
            req.end(body);
        });
    }

    @Override
    public void close() throws Exception {
        upstream.close().toCompletionStage().toCompletableFuture().get();
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
