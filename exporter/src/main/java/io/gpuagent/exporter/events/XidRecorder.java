package io.gpuagent.exporter.events;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * XID events as the exporter shows them: the last XID per GPU and per MIG GPU instance (DCGM's
 * {@code DCGM_FI_DEV_XID_ERRORS}), and how many of each XID each GPU had since the agent started
 * ({@code gpu_agent_xid_errors_total}). Written by the event pump's thread, read by the sampler.
 */
public final class XidRecorder {

  /** Where an XID happened: a GPU, or one GPU instance of a GPU in MIG mode. */
  public record Place(String gpuUuid, Optional<Integer> gpuInstanceId) {}

  /** What the recorder knew at one moment. Immutable. */
  public record Snapshot(Map<Place, Long> lastXid, Map<String, Map<Long, Long>> countsByGpu) {
    public Snapshot {
      lastXid = Map.copyOf(lastXid);
      countsByGpu = Map.copyOf(countsByGpu);
    }

    /** The last XID seen at {@code place}; 0 (DCGM's "No Error") when none. */
    public long lastXid(Place place) {
      return lastXid.getOrDefault(place, 0L);
    }

    /** XID → count for a GPU, its MIG instances included. */
    public Map<Long, Long> counts(String gpuUuid) {
      return countsByGpu.getOrDefault(gpuUuid, Map.of());
    }
  }

  private final Map<Place, Long> lastXid = new ConcurrentHashMap<>();
  private final Map<String, Map<Long, Long>> counts = new ConcurrentHashMap<>();

  /** Takes XID events; other event types are not this recorder's business. */
  public void onEvent(EventData event) {
    if (event.type() != EventType.XID_CRITICAL_ERROR) {
      return;
    }
    String gpu = event.device().uuid();
    long xid = event.data();
    lastXid.put(new Place(gpu, Optional.empty()), xid);
    event.gpuInstanceId().ifPresent(gi -> lastXid.put(new Place(gpu, Optional.of(gi)), xid));
    counts.compute(
        gpu,
        (uuid, byXid) -> {
          Map<Long, Long> next = byXid == null ? new TreeMap<>() : new TreeMap<>(byXid);
          next.merge(xid, 1L, Long::sum);
          return Map.copyOf(next);
        });
  }

  public Snapshot snapshot() {
    return new Snapshot(lastXid, counts);
  }
}
