package io.gpuagent.mig.label;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The MIG manager as node-label mode sees it: records the layouts asked for, answers success unless
 * told otherwise, and can hold an apply until the test lets it finish.
 */
final class FakeSelector implements LayoutSelector {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, SelectionOutcome> outcomes = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

  /** Answers {@code outcome} for {@code layout} from now on. */
  FakeSelector answer(String layout, SelectionOutcome outcome) {
    outcomes.put(layout, outcome);
    return this;
  }

  /** The next applies of {@code layout} wait until {@link #release} is called for it. */
  FakeSelector hold(String layout) {
    gates.put(layout, new CountDownLatch(1));
    return this;
  }

  void release(String layout) {
    gates.remove(layout).countDown();
  }

  List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public SelectionOutcome select(String layoutName) {
    calls.add(layoutName);
    CountDownLatch gate = gates.get(layoutName);
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return SelectionOutcome.failure("interrupted");
      }
    }
    return outcomes.getOrDefault(
        layoutName, SelectionOutcome.success("applied " + layoutName + " on 8 GPUs"));
  }
}
