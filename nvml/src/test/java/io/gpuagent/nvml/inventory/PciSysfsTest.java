package io.gpuagent.nvml.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PciSysfsTest {
  private static final Optional<Integer> FROM_NVML = Optional.of(42);

  @TempDir Path root;

  private Optional<Integer> numaNode(String busId) {
    return new PciSysfs(root).numaNode(busId, () -> FROM_NVML);
  }

  private void write(String name, String value) throws IOException {
    Path device = Files.createDirectories(root.resolve("bus/pci/devices").resolve(name));
    Files.writeString(device.resolve("numa_node"), value);
  }

  @Test
  void nvmlsEightDigitDomainBecomesSysfsLowerCaseName() {
    assertThat(PciSysfs.sysfsName("00000000:18:00.0")).isEqualTo("0000:18:00.0");
    assertThat(PciSysfs.sysfsName("00000011:1A:03.0")).isEqualTo("0011:1a:03.0");
    assertThat(PciSysfs.sysfsName("0000:C1:00.0")).isEqualTo("0000:c1:00.0");
    assertThat(PciSysfs.sysfsName("00010000:01:00.0")).isEqualTo("10000:01:00.0");
  }

  @Test
  void readsTheNodeOfTheDevice() throws IOException {
    write("0000:c1:00.0", "1\n");

    assertThat(numaNode("00000000:C1:00.0")).contains(1);
  }

  @Test
  void minusOneIsNoAffinityNotAFallback() throws IOException {
    write("0000:c1:00.0", "-1\n");

    assertThat(numaNode("00000000:C1:00.0")).isEmpty();
  }

  @Test
  void missingOrUnreadableEntriesAskNvml() throws IOException {
    write("0000:c1:00.0", "garbage");

    assertThat(numaNode("00000000:C1:00.0")).isEqualTo(FROM_NVML);
    assertThat(numaNode("00000000:C2:00.0")).isEqualTo(FROM_NVML);
  }
}
