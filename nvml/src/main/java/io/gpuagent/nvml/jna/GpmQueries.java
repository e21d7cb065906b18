package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.check;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.NvmlException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** GPM (Hopper and later): samples of the performance counters and metrics between two samples. */
final class GpmQueries {

  private GpmQueries() {}

  static boolean supported(NvmlLibrary functions, Pointer device) {
    GpmStructures.Support support = new GpmStructures.Support();
    return NvmlCalls.supported(
            "nvmlGpmQueryDeviceSupport", functions.nvmlGpmQueryDeviceSupport(device, support))
        && support.isSupportedDevice != 0;
  }

  /** Allocates a sample and fills it; the sample is freed again if filling fails. */
  static GpmSample sample(JnaNvml nvml, Pointer device) {
    NvmlLibrary functions = nvml.functions();
    PointerByReference allocated = new PointerByReference();
    check("nvmlGpmSampleAlloc", functions.nvmlGpmSampleAlloc(allocated));
    JnaGpmSample sample = new JnaGpmSample(nvml, allocated.getValue());
    try {
      check("nvmlGpmSampleGet", functions.nvmlGpmSampleGet(device, sample.handle()));
      return sample;
    } catch (NvmlException e) {
      sample.close();
      throw e;
    }
  }

  /**
   * The metrics NVML could compute between two samples; one whose own return code is not SUCCESS is
   * left out. NOT_SUPPORTED for the whole call gives an empty map.
   */
  static Map<GpmMetric, Double> metrics(
      NvmlLibrary functions, GpmSample earlier, GpmSample later, Set<GpmMetric> wanted) {
    if (wanted.isEmpty()) {
      return Map.of();
    }
    List<GpmMetric> order = new ArrayList<>(wanted);
    GpmStructures.MetricsGet request = new GpmStructures.MetricsGet();
    request.numMetrics = order.size();
    request.sample1 = JnaGpmSample.handleOf(earlier);
    request.sample2 = JnaGpmSample.handleOf(later);
    for (int i = 0; i < order.size(); i++) {
      request.metrics[i] = new GpmStructures.Metric();
      request.metrics[i].metricId = order.get(i).id();
    }
    if (!NvmlCalls.supported("nvmlGpmMetricsGet", functions.nvmlGpmMetricsGet(request))) {
      return Map.of();
    }
    Map<GpmMetric, Double> values = new EnumMap<>(GpmMetric.class);
    for (int i = 0; i < order.size(); i++) {
      GpmStructures.Metric answer = request.metrics[i];
      if (answer.nvmlReturn == NvmlCalls.SUCCESS) {
        values.put(order.get(i), answer.value);
      }
    }
    return Map.copyOf(values);
  }
}
