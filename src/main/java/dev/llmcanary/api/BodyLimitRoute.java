package dev.llmcanary.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared body is larger than {@code quarkus.http.limits.max-body-size} with a 413
 * problem, ahead of Quarkus's own upload limit, which ends the exchange with an empty body. Over-long request lines
 * (414) and header blocks (431) cannot be answered this way: Vert.x refuses them while decoding, before any route
 * runs, and Quarkus offers no hook into that refusal (see docs/api.md).
 */
@Singleton
public class BodyLimitRoute {

    /** Just before Quarkus's upload-limit route ({@code RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT}, -2). */
    static final int ORDER = -3;

    private final long maxBytes;

    public BodyLimitRoute(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                          MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(ctx -> {
            String declared = ctx.request().getHeader("Content-Length");
            if (declared != null && tooLarge(declared)) {
                Problem p = Problem.of(413, "Content Too Large", "the request body declares " + declared
                        + " bytes, more than the " + maxBytes + " this service accepts");
                // the unread body stays on the connection: close it after the answer, as Quarkus's own limit does
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close")
                        .endHandler(v -> ctx.request().connection().close())
                        .end(Json.encode(p));
                return;
            }
            ctx.next();
        });
    }

    private boolean tooLarge(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return true; // longer than a long, or not a number: Netty refuses a malformed one before this
        }
    }
}
