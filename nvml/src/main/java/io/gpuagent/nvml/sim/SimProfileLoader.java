package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a node profile (built-in name or a .yaml/.yml/.json file) into a checked {@link
 * SimProfile}. Everything a real node could not be is refused here with one line naming the file
 * and key: unknown keys and models, malformed bus ids, MIG on a GPU without MIG, a MIG layout the
 * hardware would refuse, NVLink on cards without it, a PCIe switch under two host bridges.
 */
final class SimProfileLoader {

  static final List<String> BUILT_IN = List.of("a100-mig", "h100x8", "h100x8-shared", "pcie-mixed");

  private static final Pattern BUS_ID =
      Pattern.compile(
          "(?:([0-9a-fA-F]{4}|[0-9a-fA-F]{8}):)([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  /** Linux's MAX_NUMNODES is at most 1024. */
  static final int MAX_NUMA_NODE = 1023;

  /** Profile files larger than this (1 MiB) are refused before they are parsed. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  private final GpuModelCatalog models;

  SimProfileLoader(GpuModelCatalog models) {
    this.models = models;
  }

  SimProfile load(String nameOrPath) {
    if (BUILT_IN.contains(nameOrPath)) {
      return parse("profile " + nameOrPath + ".yaml", nameOrPath, builtInText(nameOrPath));
    }
    String lower = nameOrPath.toLowerCase(Locale.ROOT);
    if (!(lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"))) {
      throw new SimProfileException(
          "profile '"
              + nameOrPath
              + "': not a built-in profile "
              + BUILT_IN
              + " and not a .yaml, .yml or .json file");
    }
    Path path = Path.of(nameOrPath);
    String text = readSmall(nameOrPath, path);
    String fileName = path.getFileName().toString();
    return parse("profile " + nameOrPath, fileName.substring(0, fileName.lastIndexOf('.')), text);
  }

  /**
   * A profile file's text; refused without opening it when it is not a regular file (a FIFO would
   * block) or larger than {@link #MAX_FILE_BYTES}.
   */
  private static String readSmall(String name, Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new SimProfileException("profile " + name + ": not a regular file");
      }
      if (attributes.size() > MAX_FILE_BYTES) {
        throw new SimProfileException(
            "profile " + name + ": larger than " + MAX_FILE_BYTES / 1024 + " KiB");
      }
      try (InputStream in = Files.newInputStream(path)) {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          throw new SimProfileException(
              "profile " + name + ": larger than " + MAX_FILE_BYTES / 1024 + " KiB");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (NoSuchFileException e) {
      throw new SimProfileException("profile " + name + ": cannot read the file (not found)", e);
    } catch (IOException e) {
      throw new SimProfileException("profile " + name + ": cannot read the file", e);
    }
  }

  SimProfile parse(String source, String defaultName, String text) {
    YamlMap yaml = YamlMap.parse(source, text);
    String name = yaml.optString("name").orElse(defaultName);
    String driver = yaml.optString("driverVersion").orElse("550.54.15");
    int cuda = yaml.optInteger("cudaDriverVersion").orElse(12040);
    if (cuda < 1000 || cuda > 99_990) {
      throw yaml.error("cudaDriverVersion", "must be 1000..99990 (e.g. 12040), got " + cuda);
    }
    Optional<YamlMap> nvlink = yaml.optMap("nvlink");
    SimProfile.NvLinkFabric fabric =
        nvlink.map(SimProfileLoader::fabric).orElse(SimProfile.NvLinkFabric.NONE);
    int switches = nvlink.flatMap(n -> n.optInteger("switches")).orElse(4);
    if (switches < 0 || switches > 64) {
      throw nvlink.get().error("switches", "must be 0..64, got " + switches);
    }
    nvlink.ifPresent(YamlMap::done);
    List<SimProfile.GpuSpec> gpus = new ArrayList<>();
    List<YamlMap> gpuMaps = yaml.mapList("gpus");
    if (gpuMaps.isEmpty()) {
      throw yaml.error("gpus", "at least one GPU is needed");
    }
    for (YamlMap gpu : gpuMaps) {
      gpus.add(gpu(gpu, fabric));
      gpu.done();
    }
    List<YamlMap> podMaps = yaml.optMapList("pods");
    yaml.done();
    checkBusIdsUnique(yaml, gpus);
    checkPcieTree(yaml, gpus);
    if (fabric == SimProfile.NvLinkFabric.DIRECT && gpus.size() < 2) {
      throw yaml.error("nvlink.fabric", "direct NVLinks need at least two GPUs");
    }
    if (fabric != SimProfile.NvLinkFabric.NONE && switches < 1) {
      throw yaml.error("nvlink.switches", "must be at least 1, got " + switches);
    }
    List<SimProfile.PodSpec> pods = SimPodsLoader.pods(yaml, podMaps, gpus);
    return new SimProfile(name, driver, cuda, fabric, switches, gpus, pods);
  }

  private static SimProfile.NvLinkFabric fabric(YamlMap nvlink) {
    String value = nvlink.string("fabric");
    try {
      return SimProfile.NvLinkFabric.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw nvlink.error("fabric", "expected nvswitch, direct or none, got '" + value + "'");
    }
  }

  private SimProfile.GpuSpec gpu(YamlMap gpu, SimProfile.NvLinkFabric fabric) {
    String modelName = gpu.string("model");
    GpuModel model =
        models
            .byName(modelName)
            .orElseThrow(
                () ->
                    gpu.error(
                        "model",
                        "unknown GPU model '"
                            + modelName
                            + "' (known: "
                            + String.join(", ", models.names())
                            + ")"));
    if (fabric != SimProfile.NvLinkFabric.NONE && model.nvLinks() == 0) {
      throw gpu.error(
          "model", modelName + " has no NVLink, but the profile's nvlink.fabric is " + fabric);
    }
    String busId = busId(gpu);
    int numaNode = gpu.integer("numaNode");
    if (numaNode < 0 || numaNode > MAX_NUMA_NODE) {
      throw gpu.error("numaNode", "must be 0.." + MAX_NUMA_NODE + ", got " + numaNode);
    }
    String hostBridge = gpu.optString("hostBridge").orElse("numa" + numaNode);
    List<String> switches = gpu.stringList("pcieSwitches");
    boolean migEnabled = false;
    List<MigPlacementRules.Placed> instances = List.of();
    Optional<YamlMap> mig = gpu.optMap("mig");
    if (mig.isPresent()) {
      if (model.mig().isEmpty()) {
        throw gpu.error("mig", modelName + " does not support MIG");
      }
      migEnabled = mig.get().optBoolean("enabled").orElse(false);
      instances = migInstances(mig.get(), model.mig().get(), migEnabled);
      mig.get().done();
    }
    SimWorkload.Background workload =
        gpu.optMap("workload").map(SimProfileLoader::workload).orElse(SimWorkload.Background.IDLE);
    return new SimProfile.GpuSpec(
        model, busId, numaNode, hostBridge, switches, migEnabled, instances, workload);
  }

  private static String busId(YamlMap gpu) {
    String text = gpu.string("busId");
    Matcher m = BUS_ID.matcher(text);
    if (!m.matches()) {
      throw gpu.error("busId", "expected a PCI bus id like \"0000:18:00.0\", got '" + text + "'");
    }
    String domain = String.format("%8s", m.group(1)).replace(' ', '0');
    return (domain + ":" + m.group(2) + ":" + m.group(3) + "." + m.group(4))
        .toUpperCase(Locale.ROOT);
  }

  private static List<MigPlacementRules.Placed> migInstances(
      YamlMap mig, GpuModel.MigSpec spec, boolean enabled) {
    List<YamlMap> rows = mig.optMapList("instances");
    if (!enabled && !rows.isEmpty()) {
      throw mig.error("instances", "GPU instances need MIG mode on (enabled: true)");
    }
    List<MigPlacementRules.Placed> placed = new ArrayList<>();
    for (YamlMap row : rows) {
      String profileName = row.string("profile");
      MigProfile profile =
          spec.byName(profileName)
              .orElseThrow(
                  () ->
                      row.error(
                          "profile",
                          "unknown MIG profile '"
                              + profileName
                              + "' (known: "
                              + spec.profiles().stream().map(MigProfile::name).toList()
                              + ")"));
      int start = row.integer("start");
      row.done();
      Placement placement = new Placement(start, profile.memorySlices());
      var refusal = MigPlacementRules.check(profile, placement, placed);
      if (refusal.isPresent()) {
        throw row.error("start", profileName + " at " + start + ": " + refusal.get().reason());
      }
      placed.add(new MigPlacementRules.Placed(profile, placement));
    }
    return placed;
  }

  private static SimWorkload.Background workload(YamlMap yaml) {
    double utilization = yaml.optNumber("utilization").orElse(0.0);
    double amplitude = yaml.optNumber("amplitude").orElse(0.0);
    double period = yaml.optNumber("periodSeconds").orElse(600.0);
    int processes = yaml.optInteger("processes").orElse(0);
    long memoryMiB = yaml.optLong("memoryMiB").orElse(0L);
    yaml.done();
    if (processes < 0 || processes > 99) {
      throw yaml.error("processes", "must be 0..99, got " + processes);
    }
    if ((processes > 0) != (memoryMiB > 0)) {
      throw yaml.error(
          "memoryMiB",
          "background processes need memoryMiB > 0 each, and memoryMiB needs processes");
    }
    if (utilization - amplitude < 0 || utilization + amplitude > 100 || amplitude < 0) {
      throw yaml.error(
          "utilization",
          "utilization ± amplitude must stay within 0..100, got "
              + utilization
              + " ± "
              + amplitude);
    }
    if (period <= 0) {
      throw yaml.error("periodSeconds", "must be positive, got " + period);
    }
    return new SimWorkload.Background(utilization, amplitude, period, processes, memoryMiB << 20);
  }

  private static void checkBusIdsUnique(YamlMap yaml, List<SimProfile.GpuSpec> gpus) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < gpus.size(); i++) {
      Integer earlier = seen.putIfAbsent(gpus.get(i).busId(), i);
      if (earlier != null) {
        throw yaml.error(
            "gpus[" + i + "].busId",
            "bus id " + gpus.get(i).busId() + " is already used by gpus[" + earlier + "]");
      }
    }
  }

  /** A switch has one place in the tree: the same host bridge and upstream switches everywhere. */
  private static void checkPcieTree(YamlMap yaml, List<SimProfile.GpuSpec> gpus) {
    Map<String, String> bridgeNuma = new HashMap<>();
    Map<String, List<String>> switchPath = new HashMap<>();
    for (int i = 0; i < gpus.size(); i++) {
      SimProfile.GpuSpec gpu = gpus.get(i);
      String numa = String.valueOf(gpu.numaNode());
      String previousNuma = bridgeNuma.putIfAbsent(gpu.hostBridge(), numa);
      if (previousNuma != null && !previousNuma.equals(numa)) {
        throw yaml.error(
            "gpus[" + i + "].hostBridge",
            "host bridge '"
                + gpu.hostBridge()
                + "' is on NUMA node "
                + previousNuma
                + " for another GPU");
      }
      List<String> upstream = new ArrayList<>(List.of(gpu.hostBridge()));
      for (String sw : gpu.pcieSwitches()) {
        List<String> previous = switchPath.putIfAbsent(sw, List.copyOf(upstream));
        if (previous != null && !previous.equals(upstream)) {
          throw yaml.error(
              "gpus[" + i + "].pcieSwitches",
              "switch '"
                  + sw
                  + "' sits under "
                  + upstream
                  + " here but under "
                  + previous
                  + " for another GPU");
        }
        upstream.add(sw);
      }
    }
  }

  private static String builtInText(String name) {
    String resource = "profiles/" + name + ".yaml";
    try (InputStream in = SimProfileLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in profile resource " + resource + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in profile resource " + resource, e);
    }
  }
}
