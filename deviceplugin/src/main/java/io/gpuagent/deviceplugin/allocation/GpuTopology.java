package io.gpuagent.deviceplugin.allocation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * The pair scores of a node's GPUs, computed once per inventory. GPUs are held in NVML index order;
 * a GPU's position in that order is what the allocator breaks ties on. Immutable.
 *
 * <p>Built from NVML by {@link NvmlTopologyReader}, or from any scores for tests and benchmarks.
 */
public final class GpuTopology {
  private final List<String> gpuUuids;
  private final Map<String, Integer> positions;
  private final int[][] scores;

  private GpuTopology(List<String> gpuUuids, int[][] scores) {
    this.gpuUuids = List.copyOf(gpuUuids);
    this.positions = new HashMap<>();
    for (int i = 0; i < this.gpuUuids.size(); i++) {
      if (positions.put(this.gpuUuids.get(i), i) != null) {
        throw new IllegalArgumentException("GPU " + this.gpuUuids.get(i) + " is listed twice");
      }
    }
    this.scores = scores;
  }

  /**
   * GPUs in index order and a symmetric matrix of pair scores within 0..{@link PairScore#SAME_GPU};
   * the diagonal is ignored: two devices of one GPU always score {@link PairScore#SAME_GPU}.
   */
  public static GpuTopology of(List<String> gpuUuids, int[][] pairScores) {
    int n = gpuUuids.size();
    if (pairScores.length != n) {
      throw new IllegalArgumentException(n + " GPUs need a " + n + "x" + n + " score matrix");
    }
    int[][] copy = new int[n][n];
    for (int a = 0; a < n; a++) {
      if (pairScores[a].length != n) {
        throw new IllegalArgumentException(n + " GPUs need a " + n + "x" + n + " score matrix");
      }
      for (int b = 0; b < n; b++) {
        if (a == b) {
          copy[a][b] = PairScore.SAME_GPU;
        } else if (pairScores[a][b] < 0
            || pairScores[a][b] > PairScore.SAME_GPU
            || pairScores[a][b] != pairScores[b][a]) {
          throw new IllegalArgumentException(
              "scores of GPUs "
                  + a
                  + " and "
                  + b
                  + " must be equal both ways and within 0.."
                  + PairScore.SAME_GPU);
        } else {
          copy[a][b] = pairScores[a][b];
        }
      }
    }
    return new GpuTopology(gpuUuids, copy);
  }

  /** GPUs in index order, each pair scored by {@code score(a, b)} for positions a < b. */
  public static GpuTopology scored(
      List<String> gpuUuids, BiFunction<Integer, Integer, PairScore> score) {
    int n = gpuUuids.size();
    int[][] matrix = new int[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        matrix[a][b] = score.apply(a, b).value();
        matrix[b][a] = matrix[a][b];
      }
    }
    return of(gpuUuids, matrix);
  }

  public int size() {
    return gpuUuids.size();
  }

  public List<String> gpuUuids() {
    return gpuUuids;
  }

  /** The GPU's place in index order, or empty for a GPU this topology does not know. */
  public OptionalInt position(String gpuUuid) {
    Integer position = positions.get(gpuUuid);
    return position == null ? OptionalInt.empty() : OptionalInt.of(position);
  }

  /** The score of two GPUs by position; {@link PairScore#SAME_GPU} when they are one GPU. */
  public int score(int a, int b) {
    return scores[a][b];
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("GpuTopology");
    for (int a = 0; a < size(); a++) {
      text.append(a == 0 ? "[" : "; ").append(gpuUuids.get(a)).append(':');
      for (int b = 0; b < size(); b++) {
        text.append(' ').append(a == b ? "-" : Integer.toString(scores[a][b]));
      }
    }
    return text.append(']').toString();
  }
}
