package io.gpuagent.health.probe;

import java.util.ArrayList;
import java.util.List;

/** The command line that runs one probe in a child process. */
@FunctionalInterface
public interface ProbeCommand {

  List<String> commandFor(ProbeRequest request);

  /**
   * {@code prefix} followed by the probe's arguments, e.g. {@code [java, -jar, gpu-agent.jar,
   * probe]} becomes {@code [java, -jar, gpu-agent.jar, probe, --device, MIG-…, --kind, memory,
   * --memory-mib, 512, --deadline-ms, 30000]}.
   */
  static ProbeCommand withArguments(List<String> prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a probe command needs at least the program to run");
    }
    List<String> fixed = List.copyOf(prefix);
    return request -> {
      List<String> command = new ArrayList<>(fixed);
      command.addAll(
          List.of(
              "--device",
              request.deviceUuid(),
              "--kind",
              request.kind().word(),
              "--memory-mib",
              Long.toString(request.memoryMib()),
              "--deadline-ms",
              Long.toString(request.deadline().toMillis())));
      return List.copyOf(command);
    };
  }
}
