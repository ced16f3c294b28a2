package dev.llmcanary.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatorRecorderTest {

    @Test
    void keepsTheNewestAndEvictsTheOldest() {
        SimulatorRecorder recorder = new SimulatorRecorder(2);
        recorder.start("a", "m", "/r", 1);
        recorder.start("b", "m", "/r", 2);
        recorder.start("c", "m", "/r", 3);
        assertThat(recorder.get("a")).isEmpty();
        assertThat(recorder.get("b")).isPresent();
        assertThat(recorder.get("c")).isPresent();
    }

    @Test
    void snapshotShowsPendingWritesAsZeroAndCompletedOnesBracketed() {
        SimulatorRecorder recorder = new SimulatorRecorder(10);
        LiveRecording live = recorder.start("a", "m", "/r", 100);
        live.headersWritten(150);
        int first = live.begin(ChunkKind.ROLE, 200);
        live.begin(ChunkKind.TOKEN, 300);
        live.done(first, 250);
        RecordedRequest r = recorder.get("a").orElseThrow();
        assertThat(r.chunks()).containsExactly(new RecordedChunk(0, ChunkKind.ROLE, 200, 250),
                new RecordedChunk(1, ChunkKind.TOKEN, 300, 0));
        assertThat(r.firstToken()).contains(new RecordedChunk(1, ChunkKind.TOKEN, 300, 0));
        assertThat(r.headersWrittenNanos()).isEqualTo(150);
    }

    @Test
    void growsPastItsInitialCapacity() {
        LiveRecording live = new SimulatorRecorder(1).start("a", "m", "/r", 0);
        for (int i = 0; i < 100; i++) {
            live.done(live.begin(ChunkKind.TOKEN, i), i + 1);
        }
        assertThat(live.snapshot().chunks()).hasSize(100).last().isEqualTo(new RecordedChunk(99, ChunkKind.TOKEN, 99, 100));
    }

    @Test
    void clearForgetsEverything() {
        SimulatorRecorder recorder = new SimulatorRecorder(10);
        recorder.start("a", "m", "/r", 1);
        recorder.clear();
        assertThat(recorder.get("a")).isEmpty();
    }
}
