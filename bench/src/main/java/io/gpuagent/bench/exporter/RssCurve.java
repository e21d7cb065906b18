package io.gpuagent.bench.exporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Resident memory once a minute, and whether it is flat: the least-squares slope over the second
 * half of the run (MiB per hour) and that half's spread. A leak shows as a steady positive slope; a
 * heap that breathes shows as spread with a slope near zero.
 */
final class RssCurve {
  private final List<Double> mibByMinute = new ArrayList<>();

  void add(double rssMib) {
    mibByMinute.add(rssMib);
  }

  /** Slope of RSS over the second half of the minutes, in MiB per hour; 0 with under 2 points. */
  double lastHalfSlopePerHour() {
    List<Double> half = lastHalf();
    int n = half.size();
    if (n < 2) {
      return 0;
    }
    double meanX = (n - 1) / 2.0;
    double meanY = half.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (i - meanX) * (half.get(i) - meanY);
      den += (i - meanX) * (i - meanX);
    }
    return 60 * num / den;
  }

  /** The table rows: the slope and the last half's min / max. */
  String rows() {
    List<Double> half = lastHalf();
    double min = half.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = half.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(
        Locale.ROOT,
        "| RSS slope over the last %d minutes (MiB per hour) | %+.2f |%n"
            + "| RSS over the last %d minutes: min / max (MiB) | %.1f / %.1f |",
        half.size(),
        lastHalfSlopePerHour(),
        half.size(),
        min,
        max);
  }

  /** The curve, one value a minute, for the log. */
  String curve() {
    StringBuilder line = new StringBuilder("RSS by minute (MiB):");
    mibByMinute.forEach(mib -> line.append(String.format(Locale.ROOT, " %.1f", mib)));
    return line.toString();
  }

  private List<Double> lastHalf() {
    return mibByMinute.subList(mibByMinute.size() / 2, mibByMinute.size());
  }
}
