package io.gpuagent.bench.health;

/** The positional whole-number arguments of the health benchmarks' mains. */
final class BenchArguments {
  private BenchArguments() {}

  /**
   * The argument at {@code position}, or {@code fallback} when there are fewer arguments.
   *
   * @throws IllegalArgumentException naming the argument when it is not a number in min..max
   */
  static int intAt(String[] args, int position, String name, int fallback, int min, int max) {
    if (args.length <= position) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(args[position]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + args[position] + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }
}
