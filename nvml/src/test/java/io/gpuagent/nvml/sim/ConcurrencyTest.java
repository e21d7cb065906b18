package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sampler, the health watcher and HTTP handlers call the simulator at the same time. */
class ConcurrencyTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void concurrentSamplingInjectionAndEventWaitingStayConsistent() throws Exception {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice target = node.deviceByIndex(7);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (EventSet events = node.createEventSet()) {
      target.registerEvents(events, EnumSet.of(EventType.XID_CRITICAL_ERROR));
      List<Future<?>> work = new ArrayList<>();
      for (int reader = 0; reader < 4; reader++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    for (NvmlDevice gpu : node.devices()) {
                      var memory = gpu.memoryInfo();
                      assertThat(memory.reservedBytes() + memory.usedBytes() + memory.freeBytes())
                          .isEqualTo(memory.totalBytes());
                      gpu.totalEnergyMillijoules();
                    }
                  }
                }));
      }
      work.add(
          pool.submit(
              () -> {
                for (int pid = 1; pid <= 200; pid++) {
                  if (pid % 4 == 0) { // 50 processes: each holds a CUDA context too
                    node.inject(target.uuid(), new SimFault.Process(pid, 1L << 20, 10));
                  }
                  node.inject(target.uuid(), new SimFault.Xid(pid));
                  clock.advance(Duration.ofMillis(10));
                }
              }));
      Future<Integer> received =
          pool.submit(
              () -> {
                int count = 0;
                while (count < 200 && events.await(Duration.ofSeconds(10)).isPresent()) {
                  count++;
                }
                return count;
              });

      for (Future<?> future : work) {
        future.get(60, TimeUnit.SECONDS);
      }
      assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(target.computeRunningProcesses()).hasSize(50);
      assertThat(target.memoryInfo().usedBytes()).isEqualTo(50L * ((1L << 20) + (512L << 20)));
    } finally {
      pool.shutdownNow();
    }
  }
}
