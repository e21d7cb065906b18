package io.gpuagent.deviceplugin.sharing.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a process's allocation from a fake /proc tree. */
class ProcessAllocationsTest {
  private static final String CONTAINER =
      "0::/kubepods.slice/kubepods-pod1234.slice/cri-containerd-abc.scope\n";

  @TempDir Path proc;

  @Test
  void theEnvironmentNamesTheAllocatedIds() throws IOException {
    write(100, "PATH=/bin\0GPU_AGENT_DEVICE_IDS=GPU-a::3,GPU-a::4\0HOME=/\0", CONTAINER);
    assertThat(new ProcessAllocations(proc).deviceIds(100))
        .contains(List.of("GPU-a::3", "GPU-a::4"));
  }

  @Test
  void aProcessWithACleanEnvironmentIsAttributedThroughItsContainersCgroup() throws IOException {
    write(1, "PATH=/bin\0", "0::/init.scope\n");
    write(100, "PATH=/bin\0GPU_AGENT_DEVICE_IDS=GPU-a::3\0", CONTAINER);
    write(200, "PATH=/bin\0", CONTAINER);
    assertThat(new ProcessAllocations(proc).deviceIds(200)).contains(List.of("GPU-a::3"));
  }

  @Test
  void aProcessNeitherTheEnvironmentNorTheCgroupTellsAboutIsUnattributed() throws IOException {
    write(100, "PATH=/bin\0GPU_AGENT_DEVICE_IDS_OTHER=x\0", CONTAINER);
    assertThat(new ProcessAllocations(proc).deviceIds(100)).isEmpty();
    assertThat(new ProcessAllocations(proc).deviceIds(4242)).isEmpty();
  }

  private void write(int pid, String environ, String cgroup) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.write(dir.resolve("environ"), environ.getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("cgroup"), cgroup);
  }
}
