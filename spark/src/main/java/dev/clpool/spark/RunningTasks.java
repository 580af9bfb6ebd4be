package dev.clpool.spark;

import java.time.Duration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Counts the jobs and tasks that are running. A job fails as soon as one task fails, while its other tasks may
 * still be writing; the job deletes its staging folder only once they have stopped.
 */
final class RunningTasks extends SparkListener {
    private int jobs;
    private int tasks;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart jobStart) {
        jobs++;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
        jobs = Math.max(0, jobs - 1);
        notifyAll();
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart taskStart) {
        tasks++;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        tasks = Math.max(0, tasks - 1);
        notifyAll();
    }

    /**
     * Waits until no job or task is running (a job's end is reported after its tasks' starts, so a failed job's
     * running tasks are counted by then), or {@code timeout} has passed; true when idle.
     */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jobs > 0 || tasks > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
