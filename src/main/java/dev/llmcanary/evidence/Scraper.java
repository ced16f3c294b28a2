package dev.llmcanary.evidence;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Reads an endpoint's figures from its own metrics page and/or a Prometheus server, as the pool configures. Requests
 * go only to the endpoint's address and the configured Prometheus URL; pages are parsed on {@code worker}, never on
 * the event loop that timestamps canary streams.
 */
public final class Scraper implements FigureSource {

    static final String TEXT_ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
    static final String QUERY_PATH = "/api/v1/query";

    private final ScrapeClient client;
    private final PrometheusText parser;
    private final Executor worker;

    public Scraper(ScrapeClient client, PrometheusText parser, Executor worker) {
        this.client = client;
        this.parser = parser;
        this.worker = worker;
    }

    @Override
    public CompletionStage<Scrape> scrape(EvidenceSettings s, ScrapeTarget target, Map<Figure, double[]> previous) {
        List<String> errors = new ArrayList<>();
        CompletableFuture<Scrape> server = CompletableFuture.completedFuture(null);
        if (s.serverMetrics() != null) {
            server = client.get(pageUri(target.baseUrl(), s.serverMetrics()), TEXT_ACCEPT, s.timeout())
                    .toCompletionStage().toCompletableFuture()
                    .thenApplyAsync(f -> page(s.serverMetrics(), f, previous), worker);
        }
        Map<String, CompletableFuture<ScrapeClient.Fetched>> queries = new LinkedHashMap<>();
        if (s.prometheus() != null) {
            for (Map.Entry<String, String> q : s.prometheus().queries().entrySet()) {
                String uri = queryUri(s.prometheus().url(), expand(q.getValue(), target));
                queries.put(q.getKey(), client.get(uri, "application/json", s.timeout()).toCompletionStage()
                        .toCompletableFuture());
            }
        }
        CompletableFuture<Scrape> serverDone = server;
        CompletableFuture<?>[] all = new CompletableFuture<?>[queries.size() + 1];
        all[0] = server;
        int i = 1;
        for (CompletableFuture<ScrapeClient.Fetched> f : queries.values()) {
            all[i++] = f;
        }
        return CompletableFuture.allOf(all).handleAsync((v, t) -> {
            Map<String, Double> figures = new LinkedHashMap<>();
            Map<Figure, double[]> counters = new HashMap<>();
            Scrape fromPage = serverDone.getNow(null);
            if (fromPage != null) {
                figures.putAll(fromPage.figures());
                counters.putAll(fromPage.counters());
                errors.addAll(fromPage.errors());
            }
            queries.forEach((name, f) -> query(name, f.getNow(ScrapeClient.Fetched.failed("not answered")), figures,
                    errors));
            return new Scrape(ordered(figures), counters, errors);
        }, worker);
    }

    private Scrape page(EvidenceSettings.ServerMetrics m, ScrapeClient.Fetched fetched, Map<Figure, double[]> previous) {
        if (fetched.failure() != null) {
            return Scrape.failed("server metrics: unavailable: " + fetched.failure());
        }
        FigureMapper mapper = new FigureMapper(m.dialect(), m.overrides());
        try {
            var names = mapper.names();
            Exposition page = parser.parse(fetched.body().toString(StandardCharsets.UTF_8), names::contains,
                    mapper.prefixes());
            FigureMapper.Mapped mapped = mapper.map(page, previous);
            List<String> errors = new ArrayList<>();
            if (mapped.figures().isEmpty()) {
                errors.add("server metrics: none of the " + mapped.dialect().id() + " metrics on the page");
            }
            return new Scrape(mapped.figures(), mapped.counters(), errors);
        } catch (PrometheusText.TooLarge e) {
            return Scrape.failed("server metrics: unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Scrape.failed("server metrics: " + e.getMessage());
        }
    }

    /** An instant query's value: a scalar, or a vector's series combined (summed for names not a figure). */
    private static void query(String name, ScrapeClient.Fetched fetched, Map<String, Double> figures,
                              List<String> errors) {
        if (fetched.failure() != null) {
            errors.add("prometheus " + name + ": unavailable: " + fetched.failure());
            return;
        }
        Double value;
        try {
            value = value(new JsonObject(fetched.body()), Figure.fromId(name).orElse(null));
        } catch (DecodeException | ClassCastException | NumberFormatException e) {
            errors.add("prometheus " + name + ": not a Prometheus query result");
            return;
        }
        if (value == null) {
            errors.add("prometheus " + name + ": no data");
        } else {
            figures.put(name, value);
        }
    }

    static Double value(JsonObject body, Figure figure) {
        if (!"success".equals(body.getString("status"))) {
            throw new ClassCastException("status");
        }
        JsonObject data = body.getJsonObject("data");
        String type = data.getString("resultType");
        if ("scalar".equals(type)) {
            return finite(Double.parseDouble(data.getJsonArray("result").getString(1)));
        }
        if (!"vector".equals(type)) {
            throw new ClassCastException("resultType");
        }
        Double out = null;
        JsonArray result = data.getJsonArray("result");
        for (int i = 0; i < result.size(); i++) {
            Double v = finite(Double.parseDouble(result.getJsonObject(i).getJsonArray("value").getString(1)));
            if (v != null) {
                out = out == null ? v : figure == null ? out + v : figure.combine(out, v);
            }
        }
        return out;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    /** Figures first in {@link Figure} order, then the operator's own query names. */
    private static Map<String, Double> ordered(Map<String, Double> figures) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Figure f : Figure.values()) {
            Double v = figures.get(f.id());
            if (v != null) {
                out.put(f.id(), v);
            }
        }
        figures.forEach(out::putIfAbsent);
        return out;
    }

    static String pageUri(URI base, EvidenceSettings.ServerMetrics m) {
        int port = m.port() != null ? m.port() : base.getPort();
        try {
            return new URI(base.getScheme(), null, base.getHost(), port, m.path(), null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid metrics path", e);
        }
    }

    static String queryUri(URI prometheus, String promql) {
        String base = prometheus.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + QUERY_PATH + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    }

    /** Substitutes {@code ${pool}}, {@code ${endpoint}} and {@code ${instance}}, escaped for a PromQL string. */
    static String expand(String promql, ScrapeTarget t) {
        return promql.replace("${pool}", escape(t.pool())).replace("${endpoint}", escape(t.endpoint()))
                .replace("${instance}", escape(t.instance()));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
