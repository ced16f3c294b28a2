package dev.llmcanary.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose delayed tasks run only when a test calls {@link #runDue()} after moving the {@link MutableClock}
 * past their time, so a deadline in a test is reached by the test, never by a loaded machine's wall clock. Only
 * {@link #schedule(Runnable, long, TimeUnit)} is manual; nothing else is meant to be used.
 */
public final class ManualScheduler extends ScheduledThreadPoolExecutor {

    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();

    public ManualScheduler(MutableClock clock) {
        super(1);
        this.clock = clock;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(command, clock.instant().plusNanos(unit.toNanos(delay)));
        synchronized (tasks) {
            tasks.add(t);
        }
        return t;
    }

    /** Runs, on the calling thread, every task not cancelled whose time has come; returns how many ran. */
    public int runDue() {
        List<Task> due = new ArrayList<>();
        synchronized (tasks) {
            Instant now = clock.instant();
            tasks.removeIf(t -> {
                boolean ready = t.cancelled || !t.at.isAfter(now);
                if (ready && !t.cancelled) {
                    due.add(t);
                }
                return ready;
            });
        }
        due.forEach(Task::run);
        return due.size();
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final Instant at;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable command, Instant at) {
            this.command = command;
            this.at = at;
        }

        void run() {
            command.run();
            done = true;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(java.time.Duration.between(clock.instant(), at));
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = !done;
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a manual task has no result");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a manual task has no result");
        }
    }
}
