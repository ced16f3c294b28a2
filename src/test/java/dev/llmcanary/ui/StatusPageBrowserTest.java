package dev.llmcanary.ui;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.evidence.MetricsDialect;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.ReplicaPool;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/run}) against the service with its embedded simulator: the grid, a stalled run's timeline, keyboard
 * reach, gate and load-probe views, server evidence, and no console errors on any of them.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageBrowserTest {

    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The simulator holds token chunk 5 back this long; the streaming class's stall threshold is 1 s. */
    private static final String STALL_FAULT = "stall@5:1500";
    private static final String FAST = "ttft_ms=20;itl_ms=15;jitter_ms=0;tokens=24";

    @TestHTTPResource("/")
    URL root;
    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    private ChromeDriver driver;

    @BeforeAll
    void startBrowser() {
        // Like the PostgreSQL and promtool tests: skipped on a machine with only a JDK, never skipped under CI.
        boolean installed = Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM));
        if (!installed && "true".equals(System.getenv("CI"))) {
            org.assertj.core.api.Assertions.fail(CHROMIUM + " and " + CHROMEDRIVER
                    + " are missing: CI must install Debian's chromium and chromium-driver (.ci/run does)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed,
                "Chromium not installed: status page browser tests skipped outside CI");
        // explicit driver and browser paths: Selenium Manager is never asked to download anything
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--force-prefers-reduced-motion");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("browser console errors").isEmpty();
    }

    @Test
    void gridShowsEveryShippedCanaryTargetAndItsLastRun() throws Exception {
        Catalog c = catalog.get();
        List<CompletableFuture<RunResult>> runs = new ArrayList<>();
        for (String id : List.of("count-ordered", "chat-interactive", "chat-batch", "completion-smoke")) {
            CanaryDefinition d = c.canary(id).orElseThrow();
            c.targets(d).forEach(t -> runs.add(runner.run(t).toCompletableFuture()));
        }
        // a real canary's target forced to stall, so the grid shows a failed cell next to the passing ones
        runs.add(runner.run(Canaries.canary("chat-streaming").profile(FAST).fault(STALL_FAULT)
                .on(c, "sim-h100", "sim-vllm")).toCompletableFuture());
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Set<String> expected = new HashSet<>();
        JsonPath canaries = given().get("/api/canaries").then().statusCode(200).extract().jsonPath();
        for (Map<String, Object> canary : canaries.<Map<String, Object>>getList("")) {
            for (Map<String, Object> t : canaries.<Map<String, Object>>getList(
                    "find { it.id == '" + canary.get("id") + "' }.targets")) {
                expected.add(t.get("pool") + "/" + t.get("model") + "/" + canary.get("sloClass"));
            }
        }
        assertThat(expected).hasSizeGreaterThan(10);

        open("/");
        onPage(20).untilAsserted(() ->
                assertThat(cellIds()).containsExactlyInAnyOrderElementsOf(expected));
        onPage(20).untilAsserted(() -> {
            assertThat(cell("sim-h100/sim-openai/interactive").getAttribute("data-status")).isEqualTo("pass");
            assertThat(cell("sim-h100/sim-vllm/streaming").getAttribute("data-status")).isEqualTo("fail");
        });
        // the grid re-renders on every live update: read and click a freshly found cell, again if it was replaced
        onPage(10)
                .untilAsserted(() -> assertThat(cell("sim-h100/sim-vllm/streaming").getText())
                        .contains("chat-streaming").contains("TTFT").contains("24 h"));
        assertThat(driver.findElement(By.id("recent-failures")).getText()).contains("chat-streaming");
        // README's deploy/screenshots/status-page.png is a committed copy of this file
        screenshot("fleet.png");

        // failed runs are one click from the grid
        onPage(10).until(() -> {
            cell("sim-h100/sim-vllm/streaming").click();
            return true;
        });
        onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());
        assertThat(driver.getCurrentUrl()).contains("#/runs/");
    }

    static Stream<Arguments> filters() {
        return Stream.of(arguments("by SLO class", "filter-sloClass", "batch", 2),
                arguments("by pool", "filter-pool", "sim-tgi2", 0),
                arguments("by model", "filter-model", "sim-triton", 1));
    }

    @ParameterizedTest(name = "grid filter {0}")
    @MethodSource("filters")
    void filtersNarrowTheGrid(String name, String select, String value, int idPart) {
        open("/");
        onPage(20).until(() -> !cellIds().isEmpty());
        new Select(driver.findElement(By.id(select))).selectByValue(value);
        onPage(5).untilAsserted(() -> assertThat(cellIds()).isNotEmpty()
                .allSatisfy(id -> assertThat(id.split("/")[idPart]).isEqualTo(value)));
        // the choice survives a live update
        String before = caption();
        onPage(10).until(() -> !caption().equals(before));
        assertThat(cellIds()).allSatisfy(id -> assertThat(id.split("/")[idPart]).isEqualTo(value));
    }

    @Test
    void aStalledRunShowsTheStallAtTheRightTokenOnItsTimeline() throws Exception {
        Target target = Canaries.canary("ui-stall").profile(FAST).fault(STALL_FAULT)
                .on(catalog.get(), "sim-h100", "sim-openai");
        RunResult r = runner.run(target).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.violations()).extracting(v -> v.rule()).contains("stall");

        open("/#/runs/" + r.runId());
        onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());

        List<WebElement> stalls = driver.findElements(By.cssSelector("#token-timeline rect.stall"));
        assertThat(stalls).hasSize(1);
        assertThat(stalls.get(0).getAttribute("data-chunk")).isEqualTo("5");
        assertThat(Double.parseDouble(stalls.get(0).getAttribute("data-gap-ms"))).isGreaterThan(1000);
        assertThat(driver.findElements(By.cssSelector("#token-timeline line.tick")))
                .hasSize(r.timeline().tokenChunks().length);
        assertThat(driver.findElement(By.id("stall-summary")).getText()).contains("before token chunk 5");
        assertThat(driver.findElement(By.id("milestones")).getText())
                .contains("first token").contains("[DONE]").contains("stall before token chunk 5");
        assertThat(driver.findElement(By.id("violations")).getText()).contains("stall");
        assertThat(driver.findElement(By.id("guardrails")).getText()).contains("None configured");
        assertThat(driver.findElement(By.id("gap-distribution")).getText()).contains("above the stall threshold");
        onPage(5).until(() ->
                !driver.findElements(By.cssSelector("#gap-chart canvas")).isEmpty());
        // a gap near the threshold: the threshold line is drawn and the scale reaches it
        WebElement chart = driver.findElement(By.id("gap-chart"));
        assertThat(chart.getAttribute("data-threshold-shown")).isEqualTo("true");
        assertThat(Double.parseDouble(chart.getAttribute("data-y-max"))).isGreaterThanOrEqualTo(1000);
        assertThat(driver.findElement(By.id("trace-link")).getAttribute("href"))
                .isEqualTo("https://traces.test/trace/" + r.traceId());
        ((JavascriptExecutor) driver).executeScript("document.getElementById('timeline').scrollIntoView()");
        screenshot("run-detail.png");
    }

    @Test
    void aHealthyRunsGapChartFollowsItsDataWithWholeChunkTicksLegendValuesAndUnits() throws Exception {
        Target target = Canaries.canary("ui-healthy").profile(FAST).on(catalog.get(), "sim-h100", "sim-openai");
        RunResult r = runner.run(target).toCompletableFuture().get(30, TimeUnit.SECONDS);
        double[] chunks = r.timeline().tokenChunks();
        double maxGap = 0;
        for (int i = 1; i < chunks.length; i++) {
            maxGap = Math.max(maxGap, chunks[i] - chunks[i - 1]);
        }
        double stallMs = given().get("/api/fleet").then().statusCode(200).extract().jsonPath()
                .getDouble("classes.find { it.name == '" + r.sloClass() + "' }.stallSeconds") * 1000;
        assertThat(maxGap).as("a healthy run's gaps are far below the stall threshold").isLessThan(stallMs / 2);

        open("/#/runs/" + r.runId());
        onPage(10).until(() ->
                !driver.findElements(By.cssSelector("#gap-chart canvas")).isEmpty());
        WebElement chart = driver.findElement(By.id("gap-chart"));
        double yMax = Double.parseDouble(chart.getAttribute("data-y-max"));
        assertThat(yMax).as("the scale follows the gaps, not the stall threshold")
                .isGreaterThanOrEqualTo(maxGap).isLessThan(stallMs / 2);
        assertThat(chart.getAttribute("data-threshold-shown")).isEqualTo("false");
        assertThat(driver.findElement(By.id("gap-threshold-note")).getText()).contains("above this scale");
        // chunk numbers are whole: every x tick drawn is an integer
        String ticks = chart.getAttribute("data-x-ticks");
        assertThat(ticks).isNotBlank();
        assertThat(ticks.replaceAll("[\\[\\]\"]", "").split(",")).isNotEmpty()
                .allSatisfy(t -> assertThat(t).matches("\\d+"));
        // the legend carries values (no "--" placeholders of a cursor that is not there)
        String legend = driver.findElement(By.cssSelector("#gaps .u-legend")).getText();
        assertThat(legend).doesNotContain("--").containsPattern("p50 \\d+\\.\\d, max \\d+\\.\\d");
        // every SLO check's threshold and figure carry a unit
        List<WebElement> checks = driver.findElements(By.cssSelector("#slo-checks tbody tr"));
        assertThat(checks).isNotEmpty();
        for (WebElement row : checks) {
            List<WebElement> td = row.findElements(By.tagName("td"));
            assertThat(List.of(td.get(1).getText(), td.get(2).getText())).as(row.getText())
                    .allSatisfy(v -> assertThat(v).matches("[0-9.]+ (ms|s|tok/s)"));
        }
    }

    /** The fleet cell of the replica pool's consistency canary. */
    private static final String REPLICAS_CELL = ReplicaPool.POOL + "/" + ReplicaPool.MODEL + "/"
            + ReplicaPool.SLO_CLASS;

    @Test
    void aReplicaThatDriftsFromTheFirstTokenIsFlaggedOnItsFleetCell() throws Exception {
        try (ReplicaPool pool = new ReplicaPool(catalog, List.of("", "", "drift@1"))) {
            pool.round(runner);

            open("/");
            onPage(20).untilAsserted(() -> {
                WebElement cell = cell(REPLICAS_CELL);
                assertThat(cell.getAttribute("data-consistency")).isEqualTo("diverges");
                // a word beside the symbol, not colour alone; the reason names endpoints and a position only
                assertThat(cell.findElement(By.cssSelector(".replicas")).getText())
                        .contains("≠").contains("replica diverges: r3");
                assertThat(cell.getText()).contains("endpoint r3 diverges from the majority r1, r2")
                        .contains("from token 1");
            });
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                    cell(REPLICAS_CELL));
            // docs/consistency.md's deploy/screenshots/fleet-replicas.png is a committed copy of this file
            screenshot("fleet-replicas.png");
            // the cell's text is what a screen reader reads: the flag is in it, and Enter opens the divergent run
            onPage(10).until(() -> {
                cell(REPLICAS_CELL).sendKeys(Keys.ENTER);
                return true;
            });
            onPage(10).untilAsserted(() -> assertThat(driver.findElement(By.id("violations")).getText())
                    .contains("replica_divergence"));
        }
    }

    @Test
    void anIdentityChangeIsMarkedOnTheFleetCellAndTheRunTimeline() throws Exception {
        try (ReplicaPool pool = new ReplicaPool(catalog, List.of("", "", ""))) {
            pool.round(runner);
            RunResult changed = pool.runWith(runner, 1, "fingerprint:fp_new");
            assertThat(changed.identityChange()).isNotNull();

            open("/");
            onPage(20).untilAsserted(() -> assertThat(cell(REPLICAS_CELL)
                    .findElement(By.cssSelector(".identity-change")).getText())
                    .matches("⇄ identity changed \\d+ (s|min) ago on r1: fingerprint " + ReplicaPool.SIM_FINGERPRINT
                            + " → fp_new"));

            open("/#/runs/" + changed.runId());
            onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());
            WebElement mark = driver.findElement(By.cssSelector("#token-timeline #identity-mark"));
            assertThat(mark.findElement(By.tagName("title")).getAttribute("textContent"))
                    .contains("identity changed: fingerprint fp_sim → fp_new");
            // the text alternatives: a sentence above the table and a row of the milestone table
            assertThat(driver.findElement(By.id("identity-summary")).getText())
                    .contains("this stream reported fingerprint fp_sim → fp_new");
            assertThat(driver.findElement(By.cssSelector("#milestones tr.identity-row")).getText())
                    .contains("identity changed").contains("fingerprint fp_sim → fp_new");
            assertThat(driver.findElement(By.id("identity-fact")).getText()).contains("fp_sim → fp_new");
            ((JavascriptExecutor) driver).executeScript("document.getElementById('timeline').scrollIntoView()");
            // docs/consistency.md's deploy/screenshots/run-identity.png is a committed copy of this file
            screenshot("run-identity.png");

            // a run without a change has no mark
            RunResult same = pool.runWith(runner, 1, "fingerprint:fp_new");
            open("/#/runs/" + same.runId());
            onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());
            assertThat(driver.findElements(By.id("identity-mark"))).isEmpty();
            assertThat(driver.findElements(By.cssSelector("#milestones tr.identity-row"))).isEmpty();
        }
    }

    @Test
    void statusSymbolsComeFromTextFontsNotEmoji() {
        open("/");
        @SuppressWarnings("unchecked")
        List<String> symbols = (List<String>) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([import('/js/dom.js'), import('/js/fleet.js')])
                  .then(([dom, fleet]) => done([...Object.values(dom.STATUS).map(s => s.symbol), fleet.CIRCUIT_SYMBOL,
                    ...Object.values(fleet.REPLICAS).map(s => s.symbol), fleet.IDENTITY_SYMBOL]))
                  .catch(e => done(['failed: ' + e]));
                """);
        assertThat(symbols).hasSizeGreaterThan(5).allSatisfy(sym -> assertThat(sym.codePoints().allMatch(
                StatusPageBrowserTest::inATextFont)).as("symbol %s (U+%04X)", sym, sym.codePointAt(0)).isTrue());
    }

    /** Latin, punctuation, arrows, maths, geometric shapes and the check/ballot marks every text font carries. */
    private static boolean inATextFont(int cp) {
        return cp < 0x250 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x2190 && cp <= 0x22FF)
                || (cp >= 0x25A0 && cp <= 0x25FF) || cp == 0x2713 || cp == 0x2717;
    }

    @Test
    void aPoolNameHeadsItsModelRowsOnce() {
        open("/");
        onPage(20).until(() -> !cellIds().isEmpty());
        @SuppressWarnings("unchecked")
        Map<String, Object> grid = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const rows = [...document.querySelectorAll('#fleet-table tbody tr')];
                const heads = [...document.querySelectorAll('#fleet-table tbody th.pool')];
                return {rows: rows.length, rowPools: rows.map(r => r.dataset.pool),
                  heads: heads.map(h => h.firstChild.textContent),
                  spans: heads.map(h => Number(h.getAttribute('rowspan')))};
                """);
        List<String> heads = (List<String>) grid.get("heads");
        List<String> rowPools = (List<String>) grid.get("rowPools");
        assertThat(heads).as("one heading per pool").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(new HashSet<>(rowPools));
        assertThat(rowPools.size()).as("a pool with several models exists in the shipped config")
                .isGreaterThan(heads.size());
        assertThat(((List<Long>) grid.get("spans")).stream().mapToLong(Long::longValue).sum())
                .isEqualTo(((Number) grid.get("rows")).longValue());
    }

    @Test
    void keyboardFocusReachesGridCellsAndOpensTheRun() throws Exception {
        Target t = catalog.get().targets(catalog.get().canary("chat-interactive").orElseThrow()).get(0);
        runner.run(t).toCompletableFuture().get(30, TimeUnit.SECONDS);
        String cellId = t.pool().name() + "/" + t.model() + "/interactive";
        open("/");
        onPage(20).untilAsserted(() ->
                assertThat(cell(cellId).getTagName()).isEqualTo("a"));

        List<String> focused = new ArrayList<>();
        for (int i = 0; i < 120 && !focused.contains(cellId); i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            focused.add(focusedCell());
        }
        assertThat(focused).as("grid cells reached by Tab").contains(cellId);
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());
    }

    @Test
    void aGatesVerdictPageListsItsCriteriaWithBothSidesNumbers() throws Exception {
        // an A/A gate of the shipped Flagger suite, made small: the candidate pool against itself, interleaved
        String id = given().auth().oauth2("test-token").contentType("application/json")
                .body("{\"suite\":\"flagger-pre-rollout\",\"candidate\":{\"pool\":\"sim-h100\"},"
                        + "\"baseline\":{\"pool\":\"sim-h100\"},\"overrides\":{\"repetitions\":20,\"concurrency\":8}}")
                .post("/api/gates?wait=60").then().statusCode(200).body("state", equalTo("finished"))
                .extract().path("id");
        JsonPath gate = given().get("/api/gates/" + id).then().statusCode(200).extract().jsonPath();

        open("/#/gates");
        onPage(10).until(() ->
                !driver.findElements(By.cssSelector("#gates-table tr[data-gate='" + id + "']")).isEmpty());
        WebElement row = driver.findElement(By.cssSelector("#gates-table tr[data-gate='" + id + "']"));
        assertThat(row.getText()).contains("pass").contains("flagger-pre-rollout").contains("sim-h100")
                .contains("100 / 100").contains("40 / 40");
        row.findElement(By.tagName("a")).click();

        onPage(10).until(() -> !driver.findElements(By.id("criteria")).isEmpty());
        assertThat(driver.findElement(By.id("gate-title")).getText()).contains(id).contains("pass");
        List<String> names = gate.getList("details.criteria.name");
        assertThat(names).contains("ttft", "min_samples");
        for (String name : names) {
            assertThat(criterion(name).getText()).as(name).contains(gate.getString(
                    "details.criteria.find { it.name == '" + name + "' }.reason"));
        }
        // a comparative criterion: both sides' sample sizes and percentiles, the test and its p-value, the tolerance
        List<WebElement> ttft = criterion("ttft").findElements(By.tagName("td"));
        assertThat(ttft.get(1).getText()).contains("n = 20").containsPattern("p50 \\d+ ms").contains("p95");
        assertThat(ttft.get(2).getText()).contains("n = 20").containsPattern("p50 \\d+ ms");
        assertThat(ttft.get(4).getText()).isEqualTo("mann-whitney-u");
        assertThat(ttft.get(5).getText()).matches("[0-9.e-]+ \\(α 0\\.01\\)");
        assertThat(ttft.get(6).getText()).isEqualTo("15 %");
        assertThat(ttft.get(7).getText()).contains("pass");
        // every run one click away, with its trace id linked to the trace UI
        List<WebElement> runs = driver.findElements(By.cssSelector("#gate-runs-table a.run-link"));
        assertThat(runs).hasSize(40);
        assertThat(driver.findElement(By.id("gate-runs-table")).getText())
                .contains(gate.getString("runs[0].traceId"));
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain("null");
        // README's deploy/screenshots/gate-verdict.png is a committed copy of this file: tall enough for every criterion
        driver.manage().window().setSize(new Dimension(1440, 1500));
        try {
            screenshot("gate-verdict.png");
        } finally {
            driver.manage().window().setSize(new Dimension(1440, 1000));
        }
        runs.get(0).click();
        onPage(10).until(() -> !driver.findElements(By.id("token-timeline")).isEmpty());
        assertThat(driver.getCurrentUrl()).endsWith("#/runs/" + gate.getString("runs[0].runId"));
    }

    @Test
    void aRunningGateShowsItsProgressLiveUntilItsVerdict() {
        // far more runs than fit in its 5 s deadline, one at a time: it runs long enough to watch, then ends inconclusive
        String id = given().auth().oauth2("test-token").contentType("application/json")
                .body("{\"suite\":\"flagger-pre-rollout\",\"candidate\":{\"pool\":\"sim-tgi2\"},"
                        + "\"overrides\":{\"repetitions\":200,\"concurrency\":1,\"deadline\":\"5s\"}}")
                .post("/api/gates").then().statusCode(202).extract().path("id");
        open("/#/gates/" + id);
        onPage(10).until(() -> !driver.findElements(By.id("gate-progress-bar")).isEmpty());
        assertThat(driver.findElement(By.id("gate-progress")).getText()).containsPattern("\\d+ of 200 runs done");
        int first = progressValue();
        onPage(10).until(() -> progressValue() > first);

        onPage(30).until(() -> !driver.findElements(By.id("criteria")).isEmpty());
        assertThat(driver.findElement(By.id("gate-title")).getText()).contains("inconclusive");
        assertThat(driver.findElements(By.id("gate-progress"))).isEmpty();
        assertThat(driver.findElement(By.id("live")).getText()).startsWith("Finished");
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain("null");
    }

    @Test
    void aLoadProbeShowsLiveProgressThenItsFiguresVerdictAndReport() throws Exception {
        String id = given().header("Authorization", "Bearer test-admin-token").contentType("application/json")
                .body("{\"scenario\":\"api-probe\",\"duration\":\"3s\"}").post("/api/load-probes")
                .then().statusCode(202).extract().path("id");
        open("/#/probes/" + id);
        // while it runs (a child JVM injecting for 3 s), the page polls and shows elapsed / planned, rate, requests
        onPage(30).until(() ->
                !driver.findElements(By.id("probe-progress-table")).isEmpty());
        assertThat(driver.findElement(By.id("probe-progress-table")).getText())
                .contains("elapsed / planned").contains("current rate").contains("requests").contains("errors");

        onPage(120).until(() -> !driver.findElements(By.id("report-link")).isEmpty());
        JsonPath probe = given().get("/api/load-probes/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(probe.getString("state")).isEqualTo("done");
        assertThat(driver.findElement(By.id("probe-title")).getText()).contains("api-probe").contains("pass");
        String figures = driver.findElement(By.id("probe-figures")).getText();
        assertThat(figures).contains("achieved / target rate")
                .containsPattern("\\d(\\.\\d+)? / 5(\\.0+)? streams/s over 3 s planned")
                .containsPattern("TTFT p50 / p95 / p99 / max \\d+ ms / \\d+ ms / \\d+ ms / \\d+ ms");
        WebElement ttft = driver.findElement(
                By.cssSelector("#probe-comparisons tr[data-comparison='ttft_p95_seconds/slo']"));
        assertThat(ttft.getText()).containsPattern("\\d+ ms").contains("1.00 s").contains("pass");
        assertThat(driver.findElement(By.id("report-link")).getAttribute("href"))
                .endsWith("/api/load-probes/" + id + "/report/");
        assertThat(driver.findElements(By.id("probe-progress"))).isEmpty();
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain("null");
        screenshot("probe-detail.png");

        open("/#/probes");
        onPage(10).untilAsserted(() -> assertThat(
                driver.findElement(By.cssSelector("#probes-table tr[data-probe='" + id + "']")).getText())
                .contains("done").contains("pass").contains("api-probe").contains("sim-h100"));
    }

    static Stream<Arguments> unknownItems() {
        return Stream.of(arguments("gate", "/#/gates/no-such-gate", "no gate 'no-such-gate'"),
                arguments("load probe", "/#/probes/00000000-0000-0000-0000-000000000000", "no load probe"));
    }

    @ParameterizedTest(name = "an unknown {0} says so")
    @MethodSource("unknownItems")
    void anUnknownGateOrProbeSaysSo(String name, String path, String detail) {
        open(path);
        onPage(10).until(() -> !driver.findElements(By.cssSelector("[role=alert]")).isEmpty());
        assertThat(driver.findElement(By.cssSelector("[role=alert]")).getText()).contains(detail);
        // the 404 of the API is expected here: drop it so the console check looks at the page's own errors
        driver.manage().logs().get(LogType.BROWSER);
    }

    @Test
    void aSlowRunOnASaturatedServerShowsItsEvidenceOnTheRunDetail() throws Exception {
        // a pool of its own (no other test's scrape counts against its rate limit) whose vLLM metrics say saturated
        Pool sim = catalog.get().pool("sim-h100").orElseThrow();
        Pool pool = new Pool("evidence-ui", sim.deviceType(), sim.flavor(), sim.endpoints(), sim.models(), null,
                sim.requireDone(), sim.cumulative(), Map.of(), sim.scheduling(), null, new EvidenceSettings(
                new EvidenceSettings.ServerMetrics(MetricsDialect.VLLM, "/metrics/vllm", null, Map.of()), null,
                Duration.ofMillis(1), Duration.ofSeconds(60), Duration.ofSeconds(5)));
        var canary = Canaries.canary("evidence-ui").profile("ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=6")
                .fault("saturated:2000").thresholds(new ThresholdOverrides(0.2, null, null, null, null, null))
                .build(Api.CHAT);
        RunResult r = runner.run(new Target(canary, pool, pool.endpoints().get(0), "sim-vllm")).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(r.evidence()).isNotNull();

        open("/#/runs/" + r.runId());
        onPage(10).until(() -> !driver.findElements(By.id("evidence-hint")).isEmpty());
        assertThat(driver.findElement(By.id("evidence-hint")).getText()).isEqualTo("Hint: " + r.evidence().hint());
        assertThat(driver.findElement(By.id("evidence-source")).getText()).contains("vllm /metrics/vllm");
        assertThat(driver.findElement(By.cssSelector("#evidence-figures tr[data-figure='requests_waiting']"))
                .getText()).isEqualTo("requests_waiting — 37 requests");
        assertThat(driver.findElement(By.cssSelector("#evidence-figures tr[data-figure='kv_cache_usage_ratio']"))
                .getText()).isEqualTo("kv_cache_usage_ratio — 98.0 %");
        assertThat(driver.findElement(By.id("evidence-errors")).getText())
                .contains("before: no scrape in the 60 s before the run");
        ((JavascriptExecutor) driver).executeScript("document.getElementById('evidence').scrollIntoView()");
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain("null");
        screenshot("run-evidence.png");
    }

    @Test
    void evidenceShowsItsHintFiguresSideBySideWithUnitsAndErrors() {
        open("/");
        Object text = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/js/run.js').then(m => {
                  const div = document.createElement('div');
                  div.id = 'evidence-probe';
                  div.append(...m.evidence({source: 'vllm /metrics',
                    before: {at: '2026-01-01T10:00:00Z', values: {requests_waiting: 37, kv_cache_usage_ratio: 0.98,
                      queue_time_seconds: 0.75, gpu_memory_used_bytes: 42949672960}},
                    after: null,
                    hint: 'TTFT over threshold while 37 requests waited: saturation, not a fault',
                    errors: ['after: server metrics: unavailable: timeout after 2 s']}).filter(Boolean));
                  document.body.append(div);
                  const rows = [...div.querySelectorAll('#evidence-figures tbody tr')]
                    .map(r => [...r.children].map(c => c.textContent).join(' | '));
                  done([div.querySelector('#evidence-hint').textContent, ...rows,
                    div.querySelector('#evidence-errors').textContent].join('\\n'));
                }).catch(e => done('failed: ' + e));
                """);
        assertThat(((String) text).lines()).containsExactly(
                "Hint: TTFT over threshold while 37 requests waited: saturation, not a fault",
                "requests_waiting | 37 requests | —",
                "kv_cache_usage_ratio | 98.0 % | —",
                "queue_time_seconds | 750 ms | —",
                "gpu_memory_used_bytes | 40 GiB | —",
                "Missing because:after: server metrics: unavailable: timeout after 2 s");
    }

    @Test
    void anUnknownRunSaysSoInsteadOfBreaking() {
        open("/#/runs/00000000-0000-0000-0000-000000000000");
        onPage(10).until(() -> !driver.findElements(By.cssSelector("[role=alert]")).isEmpty());
        assertThat(driver.findElement(By.cssSelector("[role=alert]")).getText()).contains("no run");
        // the 404 of the API is expected here: drop it so the console check looks at the page's own errors
        driver.manage().logs().get(LogType.BROWSER);
    }

    private void open(String path) {
        driver.get(root.toString().replaceAll("/$", "") + path);
    }

    private List<String> cellIds() {
        // read in one script: the grid is re-rendered by live updates, element handles go stale
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#fleet-grid [data-cell]')].map(e => e.dataset.cell);");
        return ids;
    }

    private String caption() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const c = document.querySelector('#fleet-table caption'); return c ? c.textContent : '';");
    }

    private String focusedCell() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.activeElement && document.activeElement.dataset.cell || null;");
    }

    private int progressValue() {
        return ((Number) ((JavascriptExecutor) driver).executeScript(
                "const p = document.getElementById('gate-progress-bar'); return p ? p.value : 0;")).intValue();
    }

    private WebElement criterion(String name) {
        return driver.findElement(By.cssSelector("#criteria tr[data-criterion='" + name + "']"));
    }

    /**
     * Waits on the page: the page re-renders on every live update, so an element found a moment ago may be replaced
     * (stale) or not drawn yet; such a miss is retried until the deadline, and reported then.
     */
    private static ConditionFactory onPage(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).ignoreExceptionsInstanceOf(WebDriverException.class);
    }

    private WebElement cell(String id) {
        return driver.findElement(By.cssSelector("[data-cell='" + id + "']"));
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
