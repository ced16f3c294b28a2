package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.testing.MutableClock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.loadprobe.scenario.ScenarioSet;
import dev.llmcanary.store.Database;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.inject.Instance;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link LoadProbes} built outside Quarkus for plain JUnit tests: configuration from a map (interface proxies), an
 * in-memory H2 store, a clock the test moves, and optionally a Kubernetes client (the fabric8 mock server's).
 */
final class LoadProbesHarness {

    final MutableClock clock;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LoadProbes probes;
    final Database db;

    LoadProbesHarness(Instant now, String poolUrl, List<Scenario> scenarios, Path workDir, Map<String, Object> settings,
                      KubernetesClient client) {
        clock = new MutableClock(now);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db = new Database(ds, () -> Flyway.configure().dataSource(ds).locations("classpath:db/migration").load()
                .migrate());
        CatalogHolder catalog = new CatalogHolder();
        catalog.swap(new Catalog(Map.of(), List.of(pool(poolUrl)), List.of(), now));
        ScenarioHolder holder = new ScenarioHolder();
        holder.swap(new ScenarioSet(scenarios));
        Map<String, Object> k = new HashMap<>(Map.of("namespace", Optional.of("monitoring"), "image",
                "llm-canary-loadprobe:test", "shards", 2, "startTimeout", Duration.ofMinutes(5), "pollInterval",
                Duration.ofSeconds(5)));
        Map<String, Object> lp = new HashMap<>(Map.of("dir", "scenarios", "runnerDir", "gatling/target",
                "workDir", workDir.toString(), "jvmArgs", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                "mode", LoadProbeSettings.Mode.LOCAL, "maxRate", 50.0, "maxDuration", Duration.ofMinutes(15),
                "streamTimeout", Duration.ofSeconds(5), "cancelGrace", Duration.ofSeconds(5), "scheduler", true));
        lp.put("kubernetes", proxy(LoadProbeSettings.Kubernetes.class, k));
        lp.putAll(settings);
        probes = new LoadProbes(proxy(LoadProbeSettings.class, lp), catalog, holder, db, new ObjectMapper().findAndRegisterModules(), registry,
                clock, instance(client));
        probes.poolsConfigured(catalog.get());
    }

    static Pool pool(String url) {
        return new Pool("sim", "h100", Flavor.OPENAI_CHAT, List.of(new Endpoint("sim-0", URI.create(url))),
                List.of("sim-openai"), null, RequireDone.AUTO, Cumulative.AUTO, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, m, args) -> {
            if (!values.containsKey(m.getName())) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + m.getName() + " not set");
            }
            return values.get(m.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static Instance<KubernetesClient> instance(KubernetesClient client) {
        return (Instance<KubernetesClient>) Proxy.newProxyInstance(Instance.class.getClassLoader(),
                new Class<?>[]{Instance.class}, (p, m, args) -> switch (m.getName()) {
                    case "isUnsatisfied" -> client == null;
                    case "isResolvable" -> client != null;
                    case "get" -> client;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
