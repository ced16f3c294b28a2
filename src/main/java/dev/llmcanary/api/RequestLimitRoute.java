package dev.llmcanary.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * The service's request size limits, answered as problems: 413 for a body (declared or streamed) larger than
 * {@code quarkus.http.limits.max-body-size}, 414 for a request line over {@value #MAX_REQUEST_LINE} bytes, 431 for a
 * header block over {@value #MAX_HEADER_BLOCK} bytes.
 *
 * <p>Why a route and not Quarkus's own limits: Quarkus's upload limit ends the exchange with an empty body, and
 * Vert.x's HTTP decoder refuses an over-long line or header block before any route or mapper runs, with an empty body
 * and no hook (Quarkus never sets Vert.x's invalid-request handler). So the decoder's limits
 * ({@code quarkus.http.limits.max-initial-line-length} / {@code max-header-size}) are set far above these, as the
 * connection's hard stop, and this route, the first of all, enforces the API's limits with a problem body. Only a
 * request beyond the decoder's limits (64 KiB) still gets the decoder's bare 414/431. A chunked body is read here with
 * the limit (RESTEasy Reactive then uses the read body), because Quarkus's own check of a streamed body answers an
 * empty 413.
 */
@Singleton
public class RequestLimitRoute {

    /** Before Quarkus's upload-limit route ({@code RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT}, -2) and every other. */
    static final int ORDER = -3;
    /** Netty's and Quarkus's default request-line limit: the API's limit stays what it was. */
    static final int MAX_REQUEST_LINE = 4096;
    /** Quarkus's default header-size limit (20K): the API's limit stays what it was. */
    static final int MAX_HEADER_BLOCK = 20 * 1024;

    private final long maxBody;
    /** Reads a chunked body (no Content-Length to check) with the limit; REST resources then use the read body. */
    private final BodyHandler chunked;

    public RequestLimitRoute(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                             MemorySize maxBody) {
        this.maxBody = maxBody.asLongValue();
        this.chunked = BodyHandler.create(false).setBodyLimit(this.maxBody);
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::check).failureHandler(this::bodyTooLarge);
    }

    /** The chunked body reader's refusal ({@code fail(413)}) as a problem; every other failure goes on. */
    private void bodyTooLarge(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        refuse(ctx, Problem.of(413, "Content Too Large", "the request body is more than the " + maxBody
                + " bytes this service accepts"), true);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        int line = requestLine(req);
        if (line > MAX_REQUEST_LINE) {
            refuse(ctx, Problem.of(414, "URI Too Long", "the request line is " + line + " bytes, more than the "
                    + MAX_REQUEST_LINE + " this service accepts; send long selections in fewer parameters"), false);
            return;
        }
        int headers = headerBlock(req);
        if (headers > MAX_HEADER_BLOCK) {
            refuse(ctx, Problem.of(431, "Request Header Fields Too Large", "the request headers are " + headers
                    + " bytes, more than the " + MAX_HEADER_BLOCK + " this service accepts"), false);
            return;
        }
        String declared = req.getHeader("Content-Length");
        if (declared != null && tooLarge(declared)) {
            // the caller's figure is a number here (Netty refuses a malformed Content-Length), but may exceed a long
            String shown = declared.length() > 20 ? declared.substring(0, 20) + "…" : declared;
            // the unread body stays on the connection: close it after the answer, as Quarkus's own limit does
            refuse(ctx, Problem.of(413, "Content Too Large", "the request body declares " + shown
                    + " bytes, more than the " + maxBody + " this service accepts"), true);
            return;
        }
        if (declared == null && req.headers().contains("Transfer-Encoding")) {
            // Quarkus's own check of a streamed body ends the exchange with an empty 413: read it here instead
            chunked.handle(ctx);
            return;
        }
        ctx.next();
    }

    /** Bytes of "METHOD SP request-target SP HTTP/1.1", as the decoder counts them (without the CRLF). */
    private static int requestLine(HttpServerRequest req) {
        return req.method().name().length() + 1 + req.uri().length() + 1 + 8;
    }

    /** Bytes of the header lines ("name: value" and CRLF each). */
    private static int headerBlock(HttpServerRequest req) {
        int n = 0;
        for (Map.Entry<String, String> h : req.headers()) {
            n += h.getKey().length() + 2 + h.getValue().length() + 2;
        }
        return n;
    }

    private static void refuse(RoutingContext ctx, Problem p, boolean close) {
        var response = ctx.response().setStatusCode(p.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (close) {
            response.putHeader("Connection", "close").endHandler(v -> ctx.request().connection().close());
        }
        response.end(Json.encode(p));
    }

    private boolean tooLarge(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBody;
        } catch (NumberFormatException e) {
            return true; // longer than a long: Netty refuses a malformed one before this
        }
    }
}
