package io.gpuagent.exporter.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterSetTest {

  @Test
  void builtInFileIsDcgmExportersDefaultSet() {
    CounterSet counters = CounterSet.builtIn();

    assertThat(counters.series().stream().map(spec -> spec.field().dcgmName()))
        .containsExactly(
            "DCGM_FI_DEV_SM_CLOCK",
            "DCGM_FI_DEV_MEM_CLOCK",
            "DCGM_FI_DEV_MEMORY_TEMP",
            "DCGM_FI_DEV_GPU_TEMP",
            "DCGM_FI_DEV_POWER_USAGE",
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
            "DCGM_FI_DEV_PCIE_REPLAY_COUNTER",
            "DCGM_FI_DEV_GPU_UTIL",
            "DCGM_FI_DEV_MEM_COPY_UTIL",
            "DCGM_FI_DEV_ENC_UTIL",
            "DCGM_FI_DEV_DEC_UTIL",
            "DCGM_FI_DEV_XID_ERRORS",
            "DCGM_FI_DEV_FB_FREE",
            "DCGM_FI_DEV_FB_USED",
            "DCGM_FI_DEV_FB_RESERVED",
            "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
            "DCGM_FI_DEV_VGPU_LICENSE_STATUS",
            "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
            "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS",
            "DCGM_FI_DEV_ROW_REMAP_FAILURE",
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
            "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
            "DCGM_FI_PROF_DRAM_ACTIVE",
            "DCGM_FI_PROF_PCIE_TX_BYTES",
            "DCGM_FI_PROF_PCIE_RX_BYTES");
    assertThat(counters.labels())
        .extracting(CounterSpec::field)
        .containsExactly(DcgmField.DRIVER_VERSION);
    assertThat(typeOf(counters, DcgmField.TOTAL_ENERGY_CONSUMPTION)).isEqualTo(MetricType.COUNTER);
    assertThat(typeOf(counters, DcgmField.SM_CLOCK)).isEqualTo(MetricType.GAUGE);
    assertThat(counters.specs().get(0).help()).isEqualTo("SM clock frequency (in MHz).");
  }

  @Test
  void userFileWithCommentsSpacingAndQuotedHelpIsRead(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("counters.csv"),
            "# Format,,\n"
                + "# DCGM FIELD, Prometheus metric type, help message\n"
                + "\n"
                + "DCGM_FI_DEV_GPU_TEMP ,  gauge , GPU temperature (in C).\r\n"
                + "  DCGM_FI_DEV_FAN_SPEED, gauge, \"Fan speed, in %\"\n"
                + "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL, counter, Total number of double-bit volatile ECC errors.\n"
                + "DCGM_FI_DEV_SERIAL, label, Device Serial Number\n");

    CounterSet counters = CounterSet.load(file);

    assertThat(counters.specs())
        .extracting(CounterSpec::field, CounterSpec::type, CounterSpec::help, CounterSpec::line)
        .containsExactly(
            tuple(DcgmField.GPU_TEMP, MetricType.GAUGE, "GPU temperature (in C).", 4),
            tuple(DcgmField.FAN_SPEED, MetricType.GAUGE, "Fan speed, in %", 5),
            tuple(
                DcgmField.ECC_DBE_VOL_TOTAL,
                MetricType.COUNTER,
                "Total number of double-bit volatile ECC errors.",
                6),
            tuple(DcgmField.DEV_SERIAL, MetricType.LABEL, "Device Serial Number", 7));
    assertThat(counters.source()).isEqualTo(file.toString());
  }

  @Test
  void unknownFieldIsAOneLineErrorNamingFileAndLine() {
    assertThatThrownBy(
            () ->
                CounterSet.parse(
                    "# x\nDCGM_FI_DEV_GPU_TEMP, gauge, t\nDCGM_FI_DEV_WARP_DRIVE, gauge, w\n",
                    "my.csv"))
        .isInstanceOf(CountersFileException.class)
        .hasMessage(
            "counters file my.csv line 3: unknown DCGM field 'DCGM_FI_DEV_WARP_DRIVE'"
                + " (exporter/README.md lists the fields)")
        .extracting(Throwable::getMessage)
        .matches(message -> !message.contains("\n"));
  }

  @Test
  void fieldsGpuAgentKnowsButDoesNotReadAreSkipped() {
    CounterSet counters =
        CounterSet.parse(
            "DCGM_FI_DEV_POWER_VIOLATION, counter, Throttling duration due to power constraints (in us).\n"
                + "DCGM_EXP_XID_ERRORS_COUNT, counter, reported XIDs\n"
                + "DCGM_FI_DEV_GPU_TEMP, gauge, GPU temperature (in C).\n",
            "theirs.csv");

    assertThat(counters.specs()).extracting(CounterSpec::field).containsExactly(DcgmField.GPU_TEMP);
  }

  @Test
  void badLinesAreRejectedWithTheReason() {
    assertRejected(
        "DCGM_FI_DEV_GPU_TEMP gauge help\n",
        "line 1: expected 'DCGM field, gauge|counter|label, help text'");
    assertRejected(
        "DCGM_FI_DEV_GPU_TEMP, histogram, t\n",
        "line 1: type 'histogram' for DCGM_FI_DEV_GPU_TEMP: use gauge, counter or label");
    assertRejected(
        "DCGM_FI_DEV_GPU_TEMP, label, t\n",
        "DCGM_FI_DEV_GPU_TEMP is a measurement: its type must be gauge or counter, not label");
    assertRejected(
        "DCGM_FI_DRIVER_VERSION, gauge, v\n",
        "DCGM_FI_DRIVER_VERSION is a device property: its type must be label, not gauge");
    assertRejected("DCGM_FI_DEV_GPU_TEMP, gauge,\n", "help text for DCGM_FI_DEV_GPU_TEMP is empty");
    assertRejected(
        "DCGM_FI_DEV_GPU_TEMP, gauge, a\n\nDCGM_FI_DEV_GPU_TEMP, gauge, b\n",
        "line 3: DCGM_FI_DEV_GPU_TEMP is already listed on line 1");
  }

  @Test
  void missingFileIsAOneLineError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> CounterSet.load(missing))
        .isInstanceOf(CountersFileException.class)
        .hasMessage("cannot read counters file " + missing + ": NoSuchFileException");
  }

  @Test
  void everyFieldHasAUniqueDcgmName() {
    List<String> names = Arrays.stream(DcgmField.values()).map(DcgmField::dcgmName).toList();
    assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.startsWith("DCGM_FI_"));
  }

  private static MetricType typeOf(CounterSet counters, DcgmField field) {
    return counters.specs().stream()
        .filter(s -> s.field() == field)
        .findFirst()
        .orElseThrow()
        .type();
  }

  private static void assertRejected(String text, String messagePart) {
    assertThatThrownBy(() -> CounterSet.parse(text, "f.csv"))
        .isInstanceOf(CountersFileException.class)
        .hasMessageStartingWith("counters file f.csv line ")
        .hasMessageContaining(messagePart);
  }
}
