package dev.llmcanary.bench;

import dev.llmcanary.bench.ClaimTally.Verdict;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.JobClaims;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.flywaydb.core.Flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the tick-claim path of several replicas sharing one PostgreSQL: {@code claims.replicas} claim clients in
 * one JVM, each with its own connection pool and claim threads as the service builds them (4 threads, a queue of 64,
 * {@link JobClaims} on an Agroal pool), all claiming every tick of {@code claims.jobs.per.minute} jobs of a 60 s
 * interval, spread evenly over the minute (as {@code SpreadOffsets} spreads them), for {@code claims.seconds}.
 *
 * <p>Prints the claim latency (tick due → answer, claim-queue wait included, which is what the service's claim budget
 * bounds; and the INSERT alone), claims per second, duplicate and missed slots as the service's policy would run
 * them ({@link ClaimTally}: a claim in doubt runs too), and PostgreSQL's CPU time during the run, read from
 * {@code /proc/<pid>/stat} of the server's processes (the server must be local): the benchmark's own backends, and the
 * whole server (which includes anything else the server did meanwhile).
 *
 * <p>Run: {@code LLM_CANARY_TEST_PG_URL=jdbc:postgresql://127.0.0.1:55432/db ./mvnw -q -Pbench test-compile exec:exec
 * -Dbench.main=dev.llmcanary.bench.ClaimBenchmark -Dclaims.seconds=60}. It works in a fresh schema of its own,
 * dropped at the end.
 */
public final class ClaimBenchmark {

    private static final long INTERVAL_MILLIS = 60_000;
    private static final String APP_NAME = "llm-canary-claims-bench";
    /** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
    private static final long CLK_TCK = 100;

    private ClaimBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = env("LLM_CANARY_TEST_PG_URL", null);
        if (url == null) {
            throw new IllegalStateException("set LLM_CANARY_TEST_PG_URL (and _USER, _PASSWORD) to a PostgreSQL database");
        }
        String user = env("LLM_CANARY_TEST_PG_USER", "llmcanary");
        String password = env("LLM_CANARY_TEST_PG_PASSWORD", "llmcanary");
        int seconds = Integer.getInteger("claims.seconds", 60);
        int jobs = Integer.getInteger("claims.jobs.per.minute", 10_000);
        int replicas = Integer.getInteger("claims.replicas", 3);
        int threads = Integer.getInteger("claims.threads", 4);
        long budgetMillis = Long.getLong("claims.budget.ms", 200);
        String schema = "claims_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

        try (Connection admin = DriverManager.getConnection(url, user, password)) {
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            Flyway.configure().dataSource(url, user, password).schemas(schema).locations("classpath:db/migration")
                    .load().migrate();
            try {
                run(url, user, password, schema, seconds, jobs, replicas, threads, budgetMillis, admin);
            } finally {
                try (Statement st = admin.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    /** One claim client: a pool of its own, the service's claim threads, and its latencies. */
    private record Replica(String owner, AgroalDataSource pool, JobClaims claims, ThreadPoolExecutor executor,
                           ConcurrentLinkedQueue<long[]> latencies) {
    }

    private static void run(String url, String user, String password, String schema, int seconds, int jobs,
                            int replicas, int threads, long budgetMillis, Connection admin) throws Exception {
        List<Replica> clients = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            String owner = "replica-" + r;
            AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(cp -> cp.minSize(threads).initialSize(threads).maxSize(threads)
                            .acquisitionTimeout(Duration.ofSeconds(3))
                            .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url)
                                    .principal(new NamePrincipal(user)).credential(new SimplePassword(password))
                                    .jdbcProperty("currentSchema", schema)
                                    .jdbcProperty("ApplicationName", APP_NAME + "-" + owner))));
            ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(64), runnable -> {
                        Thread t = new Thread(runnable, "claims-" + owner);
                        t.setDaemon(true);
                        return t;
                    });
            executor.prestartAllCoreThreads();
            clients.add(new Replica(owner, pool, new JobClaims(new Database(pool, () -> { }), owner,
                    Clock.systemUTC()), executor, new ConcurrentLinkedQueue<>()));
        }
        // Open every pooled connection before the clock starts, so the backends exist and are counted.
        for (Replica c : clients) {
            List<Connection> open = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                open.add(c.pool().getConnection());
            }
            for (Connection x : open) {
                x.close();
            }
        }

        // Job j ticks at j/jobs of the minute, every minute: the ticks due within the run.
        long runMillis = seconds * 1000L;
        List<long[]> ticks = new ArrayList<>(); // {job, slot, due millis from the start}
        for (int j = 0; j < jobs; j++) {
            long offset = INTERVAL_MILLIS * j / jobs;
            for (long slot = 0; offset + slot * INTERVAL_MILLIS < runMillis; slot++) {
                ticks.add(new long[] {j, slot, offset + slot * INTERVAL_MILLIS});
            }
        }
        ticks.sort((a, b) -> Long.compare(a[2], b[2]));
        Set<String> due = new HashSet<>();
        for (long[] t : ticks) {
            due.add(slotName(t[0], t[1]));
        }

        ClaimTally tally = new ClaimTally();
        AtomicInteger answered = new AtomicInteger();
        long[] pids = backendPids(admin);
        ServerCpu server = ServerCpu.of(pids);
        long[] backendCpu0 = cpuTicks(pids);
        long serverCpu0 = server.ticks();
        System.out.printf("llm-canary claim benchmark: %d replicas × %d claim threads (own pools), %d jobs per minute "
                        + "(%d ticks due in %d s, %d claims), budget %d ms, PostgreSQL backends %s%n", replicas, threads,
                jobs, ticks.size(), seconds, ticks.size() * replicas, budgetMillis, Arrays.toString(pids));

        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        CountDownLatch dispatched = new CountDownLatch(replicas);
        for (Replica c : clients) {
            Thread dispatcher = new Thread(() -> {
                for (long[] t : ticks) {
                    long dueNanos = start + TimeUnit.MILLISECONDS.toNanos(t[2]);
                    for (long wait; (wait = dueNanos - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    claim(c, jobKey(t[0]), t[1], dueNanos, budgetMillis, tally, answered);
                }
                dispatched.countDown();
            }, "ticks-" + c.owner());
            dispatcher.setDaemon(true);
            dispatcher.start();
        }
        dispatched.await();
        long lastDue = start + TimeUnit.MILLISECONDS.toNanos(runMillis);
        for (Replica c : clients) {
            c.executor().shutdown();
            c.executor().awaitTermination(30, TimeUnit.SECONDS);
        }
        long wall = System.nanoTime() - start;
        long[] backendCpu1 = cpuTicks(pids);
        long serverCpu1 = server.ticks();

        int claims = answered.get();
        List<long[]> lat = new ArrayList<>();
        clients.forEach(c -> lat.addAll(c.latencies()));
        double[] total = lat.stream().mapToDouble(l -> l[0] / 1e6).toArray();
        double[] insert = lat.stream().mapToDouble(l -> l[1] / 1e6).toArray();
        ClaimTally.Totals totals = tally.totals(due);
        long rows;
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".job_claims")) {
            rs.next();
            rows = rs.getLong(1);
        }
        double backendSeconds = sumDiff(backendCpu0, backendCpu1) / (double) CLK_TCK;
        double serverSeconds = serverCpu0 < 0 || serverCpu1 < 0 ? Double.NaN
                : (serverCpu1 - serverCpu0) / (double) CLK_TCK;
        double wallSeconds = wall / 1e9;

        System.out.println();
        System.out.println("| replicas | jobs / min | claims | claims/s | claim latency due → answer p50 / p99 / max (ms) "
                + "| INSERT p50 / p99 (ms) | over budget | won / taken / in doubt | rows | duplicate slots | missed slots "
                + "| PostgreSQL CPU: our backends / whole server (s, % of one core) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %d | %.0f | %.2f / %.2f / %.2f | %.2f / %.2f | %d | %d / %d / %d | %d | %d | %d | "
                        + "%.2f (%.1f %%) / %.2f (%.1f %%) |%n", replicas, jobs, claims, claims / wallSeconds,
                pct(total, 50), pct(total, 99), max(total), pct(insert, 50), pct(insert, 99),
                Arrays.stream(total).filter(ms -> ms > budgetMillis).count(), totals.won(), totals.taken(),
                totals.inDoubt(), rows, totals.duplicates(), totals.missed(), backendSeconds,
                100 * backendSeconds / wallSeconds, serverSeconds, 100 * serverSeconds / wallSeconds);
        if (claims > 0 && backendSeconds > 0) {
            double perClaimMicros = backendSeconds * 1e6 / claims;
            // Each replica claims every tick: jobs/min × replicas claims per minute.
            double claimsPerCoreSecond = 1e6 / perClaimMicros;
            System.out.printf("PostgreSQL CPU per claim: %.0f µs (our backends) → one core serves about %.0f claims/s, "
                            + "i.e. %.0f jobs per minute at %d replicas%n", perClaimMicros, claimsPerCoreSecond,
                    claimsPerCoreSecond * 60 / replicas, replicas);
        }
        if (totals.unexpected() > 0 || rows != totals.slots() - totals.missed()) {
            System.out.printf("note: %d claimed slots were not due; %d rows for %d slots run%n", totals.unexpected(),
                    rows, totals.slots() - totals.missed());
        }
        System.out.printf("last tick due %.1f s after the start; every answer in by %.1f s%n",
                (lastDue - start) / 1e9, wallSeconds);
        for (Replica c : clients) {
            c.pool().close();
        }
        if (totals.duplicates() > 0 || totals.missed() > 0) {
            System.exit(1);
        }
    }

    /** One replica's claim of one tick, as {@code SlotClaims} makes it: queued to its claim threads. */
    private static void claim(Replica c, String jobKey, long slot, long dueNanos, long budgetMillis, ClaimTally tally,
                              AtomicInteger answered) {
        String name = jobKey.substring(0, jobKey.indexOf('/')) + "#" + slot;
        try {
            c.executor().execute(() -> {
                long begin = System.nanoTime();
                Verdict v;
                try {
                    v = c.claims().claim(jobKey, slot) ? Verdict.WON : Verdict.TAKEN;
                } catch (SQLException | RuntimeException e) {
                    v = Verdict.IN_DOUBT;
                }
                long end = System.nanoTime();
                c.latencies().add(new long[] {end - dueNanos, end - begin});
                // An answer after the budget: the service already ran the tick (the claim was in doubt).
                if (end - dueNanos > TimeUnit.MILLISECONDS.toNanos(budgetMillis)) {
                    v = Verdict.IN_DOUBT;
                }
                tally.record(name, v);
                answered.incrementAndGet();
            });
        } catch (RejectedExecutionException e) {
            tally.record(name, Verdict.IN_DOUBT); // every claim thread busy and the queue full: the service runs it
            answered.incrementAndGet();
        }
    }

    private static String jobKey(long job) {
        return "bench-" + job + "/pool/endpoint/model@" + INTERVAL_MILLIS;
    }

    private static String slotName(long job, long slot) {
        return "bench-" + job + "#" + slot;
    }

    /** The server processes of this benchmark's connections. */
    private static long[] backendPids(Connection admin) throws SQLException {
        List<Long> pids = new ArrayList<>();
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name LIKE '"
                     + APP_NAME + "-%'")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        }
        return pids.stream().mapToLong(Long::longValue).toArray();
    }

    /** utime + stime of each process in clock ticks, -1 where it cannot be read (gone, or the server not local). */
    static long[] cpuTicks(long[] pids) {
        long[] t = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            long[] f = stat(pids[i]);
            t[i] = f == null ? -1 : f[0] + f[1];
        }
        return t;
    }

    private static long sumDiff(long[] before, long[] after) {
        long sum = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) {
                sum += after[i] - before[i];
            }
        }
        return sum;
    }

    /**
     * The whole server's CPU: the postmaster's own time and its reaped children's (cutime, cstime: backends that
     * exited), plus the time of every live child (backends, WAL writer, checkpointer, autovacuum).
     */
    private record ServerCpu(long postmaster) {

        static ServerCpu of(long[] backends) {
            for (long pid : backends) {
                long[] f = stat(pid);
                if (f != null) {
                    return new ServerCpu(f[4]);
                }
            }
            return new ServerCpu(-1);
        }

        long ticks() {
            long[] own = postmaster < 0 ? null : stat(postmaster);
            if (own == null) {
                return -1;
            }
            long sum = own[0] + own[1] + own[2] + own[3];
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit)) {
                        long[] f = stat(Long.parseLong(name));
                        if (f != null && f[4] == postmaster) {
                            sum += f[0] + f[1];
                        }
                    }
                }
            } catch (java.io.IOException e) {
                return -1;
            }
            return sum;
        }
    }

    /** utime, stime, cutime, cstime and the parent pid from /proc/<pid>/stat; null when it cannot be read. */
    static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                    Long.parseLong(f[14]), Long.parseLong(f[1])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static double pct(double[] v, double p) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, rank))];
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
