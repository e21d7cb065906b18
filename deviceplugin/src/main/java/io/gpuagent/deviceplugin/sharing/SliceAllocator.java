package io.gpuagent.deviceplugin.sharing;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * GetPreferredAllocation for memory slices: all {@code size} slices on one device, best fit — the
 * device with the fewest free slices that still has {@code size}, so large requests still find room
 * — ties to the device first in node order; on it, the must-include slices and then the
 * lowest-numbered free ones. Deterministic; no NVML; safe from any thread.
 */
public final class SliceAllocator implements PreferredAllocator {
  private static final String SEPARATOR = "::";

  private final Map<String, Integer> rank;

  /** {@code devicesInNodeOrder}: the sliced GPU and MIG UUIDs, first in node order first. */
  public SliceAllocator(List<String> devicesInNodeOrder) {
    Map<String, Integer> ranks = new HashMap<>();
    for (String uuid : devicesInNodeOrder) {
      ranks.putIfAbsent(uuid, ranks.size());
    }
    this.rank = Map.copyOf(ranks);
  }

  @Override
  public List<String> choose(List<String> available, List<String> mustInclude, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("allocation size must be at least 1, got " + size);
    }
    // One pass counts each device's free slices; only the chosen device's are collected after.
    Map<String, int[]> free = new HashMap<>();
    for (String id : available) {
      free.computeIfAbsent(deviceOf(id), uuid -> new int[1])[0]++;
    }
    Set<String> required = new LinkedHashSet<>(mustInclude);
    String device;
    if (!required.isEmpty()) {
      TreeMap<String, Long> requiredBy =
          required.stream()
              .map(SliceAllocator::slice)
              .collect(Collectors.groupingBy(ShareId::uuid, TreeMap::new, Collectors.counting()));
      if (requiredBy.size() > 1) {
        throw new IllegalArgumentException(
            "must-include slices span devices "
                + counts(requiredBy)
                + ": slices of one container must be on one device");
      }
      device = requiredBy.firstKey();
      Set<String> offered = new HashSet<>(available);
      for (String id : required) {
        if (!offered.contains(id)) {
          throw new IllegalArgumentException(
              "must-include device " + id + " is not among the available devices");
        }
      }
      int room = free.get(device)[0];
      if (required.size() > size || room < size) {
        throw new IllegalArgumentException(
            "cannot allocate "
                + size
                + " slices with must-include "
                + String.join(",", required)
                + ": "
                + device
                + " has "
                + room
                + " free");
      }
    } else {
      device = null;
      int bestRoom = Integer.MAX_VALUE;
      for (Map.Entry<String, int[]> entry : free.entrySet()) {
        int room = entry.getValue()[0];
        if (room >= size && (device == null || better(entry.getKey(), room, device, bestRoom))) {
          device = entry.getKey();
          bestRoom = room;
        }
      }
      if (device == null) {
        throw new IllegalArgumentException(noRoom(size, free));
      }
    }
    TreeSet<Integer> onDevice = new TreeSet<>();
    String prefix = device + SEPARATOR;
    for (String id : available) {
      if (id.startsWith(prefix) && id.indexOf(SEPARATOR, prefix.length()) < 0) {
        onDevice.add(slice(id).index());
      }
    }
    TreeSet<Integer> chosen = new TreeSet<>();
    required.forEach(id -> chosen.add(slice(id).index()));
    for (int index : onDevice) {
      if (chosen.size() == size) {
        break;
      }
      chosen.add(index);
    }
    List<String> answer = new ArrayList<>(size);
    for (int index : chosen) {
      answer.add(new ShareId(device, index).id());
    }
    return answer;
  }

  private boolean better(String uuid, int room, String best, int bestRoom) {
    if (room != bestRoom) {
      return room < bestRoom;
    }
    int order = rank.getOrDefault(uuid, Integer.MAX_VALUE);
    int bestOrder = rank.getOrDefault(best, Integer.MAX_VALUE);
    return order != bestOrder ? order < bestOrder : uuid.compareTo(best) < 0;
  }

  private static String noRoom(int size, Map<String, int[]> free) {
    Map<String, Long> rooms = new TreeMap<>();
    free.forEach((uuid, count) -> rooms.put(uuid, (long) count[0]));
    return "no single device has "
        + size
        + " free slices (free: "
        + (rooms.isEmpty() ? "none" : counts(rooms))
        + "); the slices of one container must be on one device";
  }

  /** {@code GPU-a: 3, GPU-b: 2}. */
  static String counts(Map<String, Long> byDevice) {
    return byDevice.entrySet().stream()
        .map(entry -> entry.getKey() + ": " + entry.getValue())
        .collect(Collectors.joining(", "));
  }

  /** The device part of a slice ID, refusing anything that is not a slice. */
  private static String deviceOf(String id) {
    int at = id.lastIndexOf(SEPARATOR);
    int digits = id.length() - at - SEPARATOR.length();
    if (at <= 0 || digits < 1 || digits > 6 || id.lastIndexOf(SEPARATOR, at - 1) >= 0) {
      return slice(id).uuid(); // throws with the reason
    }
    for (int i = at + SEPARATOR.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return slice(id).uuid();
      }
    }
    return id.substring(0, at);
  }

  private static ShareId slice(String id) {
    return ShareId.parse(id)
        .orElseThrow(() -> new IllegalArgumentException("unknown device " + id + ": not a slice"));
  }
}
