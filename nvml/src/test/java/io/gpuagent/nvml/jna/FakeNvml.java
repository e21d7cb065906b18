package io.gpuagent.nvml.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The native fake {@code libnvidia-ml.so.1} (src/test/c) that the build compiles before the tests,
 * and its test-only control functions. Its four GPUs: 0 answers everything, 1 runs MIG, 2 answers
 * NOT_SUPPORTED for most fields, 3 is lost.
 */
final class FakeNvml {

  static final int FULL = 0;
  static final int MIG = 1;
  static final int UNSUPPORTED = 2;
  static final int LOST = 3;

  /** NVML's "no instance" id in events and process lists. */
  static final int NO_ID = 0xFFFFFFFF;

  static final long XID = 0x8L;

  private FakeNvml() {}

  /** The fake's control symbols, plus the two NVML calls tests use to upset its init count. */
  interface Control extends Library {
    void fake_nvml_reset();

    int fake_nvml_calls(String function);

    /** Makes an exported NVML function answer {@code rc} (0 lifts it) until the next reset. */
    int fake_nvml_refuse(String function, int rc);

    /** Makes the NVLink counter fields refuse the all-links scope with {@code rc} (0: accept). */
    void fake_nvml_refuse_all_links_scope(int rc);

    int fake_nvml_queue_event(int gpu, long type, long data, int gpuInstance, int computeInstance);

    int fake_nvml_queue_mig_event(int gpu, int slot, long type, long data);

    void fake_nvml_grow_processes_after_count(int gpu, int extra);

    void fake_nvml_clear_processes(int gpu);

    int fake_nvml_live_gpm_samples();

    int fake_nvml_live_event_sets();

    int nvmlInit_v2();

    int nvmlShutdown();
  }

  /** A {@link JnaNvml} over the fake, its state reset and NVML initialised: each test's start. */
  static JnaNvml freshNvml() {
    control(library()).fake_nvml_reset();
    JnaNvml nvml = new JnaNvml(library());
    nvml.init();
    return nvml;
  }

  /** The fake as current drivers ship it. */
  static Path library() {
    return path("fake.nvml.library");
  }

  /** The fake without the symbols newer drivers added (NUMA node, clocks event reasons). */
  static Path oldDriverLibrary() {
    return path("fake.nvml.oldDriverLibrary");
  }

  /** The control functions of a loaded fake; the same library instance JnaNvml opens. */
  static Control control(Path library) {
    return Native.load(library.toAbsolutePath().toString(), Control.class);
  }

  private static Path path(String property) {
    return Path.of(
        Objects.requireNonNull(
            System.getProperty(property),
            property + " is set by surefire in nvml/pom.xml: run the tests through Maven"));
  }
}
