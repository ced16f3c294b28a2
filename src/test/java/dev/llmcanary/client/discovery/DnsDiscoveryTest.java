package dev.llmcanary.client.discovery;

import dev.llmcanary.canary.Discovery;
import dev.llmcanary.canary.Endpoint;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DNS discovery with a fake resolver: records that appear and disappear across refreshes are followed. */
class DnsDiscoveryTest {

    private final Vertx vertx = Vertx.vertx();
    private final AtomicReference<List<String>> records = new AtomicReference<>(List.of("10.0.0.1", "10.0.0.2"));
    private final List<String> resolvingThreads = new CopyOnWriteArrayList<>();
    private final List<List<Endpoint>> reported = new CopyOnWriteArrayList<>();
    private final AddressResolver resolver = name -> {
        resolvingThreads.add(Thread.currentThread().getName());
        if (records.get() == null) {
            throw new UnknownHostException(name);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String a : records.get()) {
            out.add(InetAddress.getByName(a));
        }
        return out;
    };
    private final DnsDiscovery dns = new DnsDiscovery(vertx, resolver, "pool",
            new Discovery.Dns("vllm.test", 8000, "http", Duration.ofSeconds(1)));

    @AfterEach
    void close() {
        dns.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private List<Endpoint> latest() {
        return reported.isEmpty() ? List.of() : reported.get(reported.size() - 1);
    }

    @Test
    void followsRecordsAcrossRefreshes() {
        dns.start(reported::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> latest().size() == 2);
        assertThat(latest()).containsExactly(new Endpoint("10.0.0.1", URI.create("http://10.0.0.1:8000")),
                new Endpoint("10.0.0.2", URI.create("http://10.0.0.2:8000")));

        records.set(List.of("10.0.0.2", "fd00::7"));
        await().atMost(Duration.ofSeconds(5)).until(() -> latest().stream().anyMatch(e -> e.name().equals("fd00--7")));
        assertThat(latest()).containsExactly(new Endpoint("10.0.0.2", URI.create("http://10.0.0.2:8000")),
                new Endpoint("fd00--7", URI.create("http://[fd00:0:0:0:0:0:0:7]:8000")));
        assertThat(resolvingThreads).noneMatch(t -> t.contains("eventloop"));
    }

    @Test
    void failedLookupKeepsTheLastList() {
        dns.start(reported::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> latest().size() == 2);
        int calls = resolvingThreads.size();
        records.set(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> resolvingThreads.size() >= calls + 1);
        assertThat(reported).hasSize(1);
    }

    @Test
    void reportsOnlyChanges() {
        dns.start(reported::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> resolvingThreads.size() >= 3);
        assertThat(reported).hasSize(1);
    }
}
