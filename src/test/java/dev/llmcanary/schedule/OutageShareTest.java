package dev.llmcanary.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The outage share: who runs a job while the store cannot arbitrate. */
class OutageShareTest {

    private static final List<String> JOBS = IntStream.range(0, 1000)
            .mapToObj(i -> "canary-" + i + "/pool/ep-" + (i % 7) + "/model@1000").toList();

    private static List<String> owners(String job, List<String> view) {
        return view.stream().filter(r -> OutageShare.mine(r, view, job)).toList();
    }

    @Test
    void aLoneReplicaRunsEveryJob() {
        assertThat(JOBS).allMatch(j -> OutageShare.mine("a", List.of("a"), j))
                .allMatch(j -> OutageShare.mine("a", List.of(), j));
    }

    @ParameterizedTest(name = "{0} replicas with the same view: every job has exactly one owner, shares even")
    @ValueSource(ints = {2, 3, 5})
    void replicasWithTheSameViewRunEachJobOnce(int n) {
        List<String> view = IntStream.range(0, n).mapToObj(i -> "llm-canary-7f9c-" + i + "-ab12cd34").toList();

        Map<String, Long> shares = JOBS.stream().map(j -> {
            List<String> o = owners(j, view);
            assertThat(o).as(j).hasSize(1);
            return o.get(0);
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(shares).hasSize(n);
        assertThat(shares.values()).allSatisfy(c -> assertThat(c).isBetween(JOBS.size() / n / 2L,
                JOBS.size() * 2L / n));
    }

    @Test
    void aReplicaThatHasNotSeenTheOtherRunsMoreNeverLeavingAJobUnrun() {
        List<String> bSeesBoth = List.of("a", "b");
        List<String> aSeesItself = List.of("a");

        for (String j : JOBS) {
            int runs = (OutageShare.mine("a", aSeesItself, j) ? 1 : 0) + (OutageShare.mine("b", bSeesBoth, j) ? 1 : 0);
            assertThat(runs).as(j).isBetween(1, 2);
        }
    }

    @Test
    void theOrderOfTheViewDoesNotMatter() {
        List<String> view = new ArrayList<>(List.of("c", "a", "b"));
        List<String> reversed = List.of("b", "a", "c");
        assertThat(JOBS).allSatisfy(j -> assertThat(owners(j, view)).isEqualTo(owners(j, reversed)));
    }

    @Test
    void aReplicaLeavingMovesOnlyItsOwnJobs() {
        List<String> three = List.of("a", "b", "c");
        List<String> two = List.of("a", "b");
        for (String j : JOBS) {
            String before = owners(j, three).get(0);
            String after = owners(j, two).get(0);
            if (!before.equals("c")) {
                assertThat(after).as(j).isEqualTo(before);
            }
        }
    }
}
