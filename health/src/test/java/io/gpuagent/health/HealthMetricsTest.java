package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {
  private SimHealth sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void transitionsProbesAndIgnoredXidsAreExposed() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    PrometheusRegistry registry = new PrometheusRegistry();
    HealthMetrics.register(registry, sim.health);
    String gpu0 = sim.gpu(0).uuid();
    String gpu1 = sim.gpu(1).uuid();

    sim.node.inject(gpu0, new SimFault.Xid(13));
    sim.node.inject(gpu0, new SimFault.Xid(79));
    Await.until("GPU 0 unhealthy", () -> !sim.healthy(gpu0));
    for (int i = 0; i < 3; i++) {
      sim.health.probeNow(gpu0);
    }
    sim.node.inject(gpu1, new SimFault.BadMemory(2));
    sim.health.probeNow(gpu1);

    List<String> lines = scrape(registry);
    assertThat(lines)
        .contains(
            "gpu_agent_health_transitions{reason=\"xid\",to=\"unhealthy\"} 1.0",
            "gpu_agent_health_transitions{reason=\"xid\",to=\"healthy\"} 1.0",
            "gpu_agent_health_transitions{reason=\"probe-failed\",to=\"unhealthy\"} 1.0",
            "gpu_agent_xid_ignored 1.0",
            "gpu_agent_probe_result{UUID=\"" + gpu0 + "\",result=\"passed\"} 1.0",
            "gpu_agent_probe_result{UUID=\"" + gpu0 + "\",result=\"failed\"} 0.0",
            "gpu_agent_probe_result{UUID=\"" + gpu1 + "\",result=\"failed\"} 1.0",
            "gpu_agent_probe_result{UUID=\"" + gpu1 + "\",result=\"hung\"} 0.0");
    assertThat(lines)
        .filteredOn(line -> line.startsWith("gpu_agent_probe_duration_seconds{UUID=\"" + gpu0))
        .hasSize(2)
        .anySatisfy(line -> assertThat(line).contains("kind=\"memory\""))
        .anySatisfy(line -> assertThat(line).contains("kind=\"compute\""));
    assertThat(lines).noneMatch(line -> line.contains(sim.gpu(7).uuid()));
  }

  @Test
  void beforeAnythingHappensOnlyTheTwoNodeCountersAreThere() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    PrometheusRegistry registry = new PrometheusRegistry();
    HealthMetrics.register(registry, sim.health);

    assertThat(scrape(registry))
        .containsExactlyInAnyOrder(
            "gpu_agent_xid_ignored 0.0", "gpu_agent_ecc_double_bit_events 0.0");
  }

  /** One line per data point: {@code name{label="value",...} value}. */
  static List<String> scrape(PrometheusRegistry registry) {
    List<String> lines = new ArrayList<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      String name = snapshot.getMetadata().getName();
      for (DataPointSnapshot point : snapshot.getDataPoints()) {
        String labels =
            StreamSupport.stream(point.getLabels().spliterator(), false)
                .map((Label label) -> label.getName() + "=\"" + label.getValue() + "\"")
                .collect(Collectors.joining(","));
        double value =
            point instanceof CounterSnapshot.CounterDataPointSnapshot counter
                ? counter.getValue()
                : ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
        lines.add(name + (labels.isEmpty() ? "" : "{" + labels + "}") + " " + value);
      }
    }
    return lines;
  }
}
