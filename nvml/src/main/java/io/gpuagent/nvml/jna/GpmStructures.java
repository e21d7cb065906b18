package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * GPM structs of NVIDIA's {@code nvml.h}, field for field. Public only because JNA fills them by
 * reflection; nothing outside this package should use them.
 */
public final class GpmStructures {

  /**
   * {@code NVML_GPM_METRIC_MAX}: the size of the metrics array. It has grown with each driver
   * branch (98 in 12.4, 210 in 13.0, 333 now) while the struct version stayed 1; NVML only touches
   * the first {@code numMetrics} entries, so the largest value is safe with every driver.
   */
  static final int METRIC_MAX = 333;

  /** {@code NVML_GPM_METRICS_GET_VERSION}. */
  static final int METRICS_GET_VERSION = 1;

  /** {@code NVML_GPM_SUPPORT_VERSION}. */
  static final int SUPPORT_VERSION = 1;

  private GpmStructures() {}

  /** {@code nvmlGpmSupport_t}. */
  @FieldOrder({"version", "isSupportedDevice"})
  public static class Support extends Structure {
    public int version = SUPPORT_VERSION;
    public int isSupportedDevice;
  }

  /** One entry of {@code nvmlGpmMetricsGet_t.metrics}, {@code nvmlGpmMetric_t}. */
  @FieldOrder({"metricId", "nvmlReturn", "value", "shortName", "longName", "unit"})
  public static class Metric extends Structure {
    public int metricId;
    public int nvmlReturn;
    public double value;
    public Pointer shortName;
    public Pointer longName;
    public Pointer unit;
  }

  /** {@code nvmlGpmMetricsGet_t}. */
  @FieldOrder({"version", "numMetrics", "sample1", "sample2", "metrics"})
  public static class MetricsGet extends Structure {
    public int version = METRICS_GET_VERSION;
    public int numMetrics;
    public Pointer sample1;
    public Pointer sample2;
    public Metric[] metrics = new Metric[METRIC_MAX];
  }
}
