package io.gpuagent.agent;

import io.gpuagent.deviceplugin.sharing.quota.QuotaReport;
import io.gpuagent.exporter.SharingAccounting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The quota monitor's report in the exporter's terms. Holders the kubelet did not name (no
 * podresources) have no pod labels to carry, so they are left out of the metrics; the monitor still
 * enforces their quota.
 */
public final class QuotaAccounting {
  private QuotaAccounting() {}

  public static SharingAccounting of(QuotaReport report) {
    if (report.devices().isEmpty()) {
      return SharingAccounting.NONE;
    }
    Map<String, SharingAccounting.SharedGpu> byDevice = new HashMap<>();
    report
        .devices()
        .forEach(
            (uuid, usage) -> {
              List<SharingAccounting.Sharer> sharers =
                  usage.holders().stream()
                      .filter(holder -> holder.container().isPresent())
                      .map(
                          holder ->
                              new SharingAccounting.Sharer(
                                  holder.container().get(),
                                  holder.usedBytes(),
                                  holder.quotaBytes(),
                                  holder.violations()))
                      .toList();
              byDevice.put(
                  uuid,
                  new SharingAccounting.SharedGpu(
                      usage.device().mode().word(), usage.device().enforcement().word(), sharers));
            });
    return new SharingAccounting(byDevice);
  }
}
