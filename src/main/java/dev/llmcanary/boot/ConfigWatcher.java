package dev.llmcanary.boot;

import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reloads the configuration when its files change. It compares a digest of the files' contents rather than
 * modification times, because a Kubernetes ConfigMap update swaps a symlink and leaves the old files' times as they
 * were. Files are read on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class ConfigWatcher {

    private static final Logger LOG = Logger.getLogger(ConfigWatcher.class);

    private final Vertx vertx;
    private final CanaryConfig.Files files;
    private final String scenariosDir;
    private final ConfigReloader reloader;
    private volatile String lastDigest;
    private long timerId = -1;

    public ConfigWatcher(Vertx vertx, CanaryConfig config, ConfigReloader reloader) {
        this.vertx = vertx;
        this.files = config.config();
        this.scenariosDir = config.loadProbes().dir();
        this.reloader = reloader;
    }

    synchronized void start() {
        if (!files.watch()) {
            return;
        }
        vertx.executeBlocking(() -> digest()).onSuccess(d -> lastDigest = d);
        timerId = vertx.setPeriodic(Math.max(100, files.watchInterval().toMillis()), id -> check());
    }

    synchronized void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void check() {
        vertx.executeBlocking(() -> {
            String d = digest();
            if (!d.equals(lastDigest)) {
                lastDigest = d;
                LOG.info("configuration files changed; reloading");
                reloader.reload();
            }
            return null;
        }, false).onFailure(e -> LOG.warnf("configuration watch failed: %s", e.toString()));
    }

    /** A digest over the names and contents of every configuration file. */
    String digest() throws IOException {
        List<Path> paths = new ArrayList<>();
        Path dir = Path.of(files.dir());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().forEach(paths::add);
            }
        }
        files.poolsFile().map(Path::of).ifPresent(paths::add);
        files.sloClassesFile().map(Path::of).ifPresent(paths::add);
        Path scenarios = Path.of(scenariosDir);
        if (Files.isDirectory(scenarios)) {
            try (Stream<Path> s = Files.list(scenarios)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().forEach(paths::add);
            }
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : paths) {
                md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (Files.isReadable(p)) {
                    md.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
