package io.gpuagent.exporter.sampling;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that sample GPUs. A task goes to an idle worker when there is one and to a new worker
 * when there is none, so GPUs that answer promptly, asked one after the other, share one thread,
 * and a GPU stuck in NVML holds only its own. A task's future completes after its worker is idle
 * again: a caller that waits for one task and then submits the next finds that worker free. Workers
 * idle for {@link #KEEP_ALIVE} end; at most {@code maxWorkers} run at once.
 */
final class DeviceWorkers {
  private final String namePrefix;
  private final int maxWorkers;
  private final Duration keepAlive;
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final Set<Worker> all = ConcurrentHashMap.newKeySet();

  /** Most recently idle first, so the same worker keeps the work and the others can end. */
  private final Deque<Worker> idle = new ArrayDeque<>(); // guarded by this

  private boolean closed; // guarded by this

  DeviceWorkers(String namePrefix, int maxWorkers, Duration keepAlive) {
    this.namePrefix = namePrefix;
    this.maxWorkers = maxWorkers;
    this.keepAlive = keepAlive;
  }

  /** Runs {@code call} on a worker; throws {@link RejectedExecutionException} once closed. */
  <T> CompletableFuture<T> submit(Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException("the sampler is closed");
      }
      Worker worker = idle.pollFirst();
      if (worker == null) {
        if (all.size() >= maxWorkers) {
          throw new RejectedExecutionException(maxWorkers + " workers busy");
        }
        worker = new Worker(namePrefix + threadNumber.incrementAndGet());
        all.add(worker);
        worker.thread.start();
      }
      // inside the lock: a close either refuses this task or finds it in the inbox
      worker.inbox.add(new Task<>(call, result));
    }
    return result;
  }

  /** Workers alive now, busy or idle. */
  int size() {
    return all.size();
  }

  private synchronized void backToIdle(Worker worker) {
    if (!closed) {
      idle.addFirst(worker);
    }
  }

  /** Whether {@code worker}, idle past the keep-alive, may end: no task was handed to it. */
  private synchronized boolean retire(Worker worker) {
    return closed || idle.remove(worker);
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Interrupts every worker (a call stuck in NVML is abandoned, not waited for) and waits up to
   * {@code wait} for them to end; returns how many have not.
   */
  int close(Duration wait) throws InterruptedException {
    synchronized (this) {
      closed = true;
      idle.clear();
    }
    List<Worker> workers = new ArrayList<>(all);
    workers.forEach(worker -> worker.thread.interrupt());
    long deadline = System.nanoTime() + wait.toNanos();
    for (Worker worker : workers) {
      worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    return (int) workers.stream().filter(worker -> worker.thread.isAlive()).count();
  }

  private record Task<T>(Callable<T> call, CompletableFuture<T> result) {
    /** Calls, then lets {@code worker} take more work, then completes the future. */
    void run(DeviceWorkers workers, Worker worker) {
      T value = null;
      Throwable failure = null;
      try {
        value = call.call();
      } catch (Throwable e) {
        failure = e;
      }
      workers.backToIdle(worker);
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(failure);
      }
    }
  }

  private final class Worker implements Runnable {
    final BlockingQueue<Task<?>> inbox = new LinkedBlockingQueue<>();
    final Thread thread;

    Worker(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (!isClosed()) {
          Task<?> task = inbox.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
          if (task != null) {
            task.run(DeviceWorkers.this, this);
          } else if (retire(this)) {
            return;
          }
          // else a task was handed to this worker as it timed out: it is in the inbox
        }
      } catch (InterruptedException e) {
        // closing
      } finally {
        all.remove(this);
        // handed over as the sampler closed, never started
        for (Task<?> left = inbox.poll(); left != null; left = inbox.poll()) {
          left.result()
              .completeExceptionally(new RejectedExecutionException("the sampler is closed"));
        }
      }
    }
  }
}
