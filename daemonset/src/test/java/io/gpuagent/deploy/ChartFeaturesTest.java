package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each feature adds to the pod, and what it must not: the least privilege per feature. */
class ChartFeaturesTest {
  @TempDir Path scratch;

  private Rendering render(Toggle toggle) {
    return toggle.render(scratch);
  }

  @Test
  void defaultsRunTheDevicePluginOnGpuNodesWithoutApiAccessOrPrivileges() {
    Rendering r = render(Toggle.DEFAULTS);
    var pod = r.pod();
    Container c = r.container();

    assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getRuntimeClassName()).as("no RuntimeClass unless asked for").isNull();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isNull();
    assertThat(pod.getHostPID()).isNull();
    assertThat(pod.getHostIPC()).isNull();
    assertThat(r.all(ServiceAccount.class)).isEmpty();
    assertThat(r.all(ClusterRole.class)).isEmpty();
    assertThat(r.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(r.all(ServiceMonitor.class)).isEmpty();
    assertThat(r.all(PrometheusRule.class)).isEmpty();

    assertThat(c.getArgs()).containsExactly("run", "--config", "/etc/gpu-agent/config.yaml");
    assertThat(c.getCommand()).as("the image's entrypoint, bin/gpu-agent").isNullOrEmpty();
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals("GPU_AGENT_NODE_NAME"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("spec.nodeName"));
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("50m"))
        .containsEntry("memory", new Quantity("128Mi"));
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(r.daemonSet().getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");

    assertThat(r.hostPaths())
        .containsOnly(
            Map.entry("device-plugins", "/var/lib/kubelet/device-plugins"),
            Map.entry("pod-resources", "/var/lib/kubelet/pod-resources"));
    assertThat(r.mount("device-plugins").orElseThrow().getReadOnly()).isNull();
    assertThat(r.mount("pod-resources").orElseThrow().getReadOnly()).isTrue();
    assertUnprivileged(r);

    Service service = r.all(Service.class).get(0);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(9400));
    assertThat(r.agentConfig()).containsEntry("version", 1).containsKey("devicePlugin");
  }

  @Test
  void exporterOnlyIsUnprivilegedWithThePodResourcesSocketAsItsOnlyHostPath() {
    Rendering r = render(Toggle.EXPORTER_ONLY);

    assertUnprivileged(r);
    assertThat(r.hostPaths()).containsOnlyKeys("pod-resources");
    assertThat(r.container().getVolumeMounts())
        .filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
        .extracting(VolumeMount::getMountPath)
        .as("writable mounts")
        .containsExactly("/tmp");
    assertThat(r.agentConfigText()).contains("enabled: false").contains("mode: never");
  }

  @Test
  void devicePluginOffMountsNoDevicePluginDirectory() {
    Rendering r = render(Toggle.DEVICE_PLUGIN_OFF);

    assertThat(r.mount("device-plugins")).isEmpty();
    assertThat(r.hostPaths()).doesNotContainKey("device-plugins");
  }

  @Test
  void aDriverRootIsMountedReadOnlyAtItsHostPath() {
    Rendering r = render(Toggle.GPU_OPERATOR_DRIVER_ROOT);

    assertThat(r.hostPaths()).containsEntry("driver-root", "/run/nvidia/driver");
    VolumeMount mount = r.mount("driver-root").orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo("/run/nvidia/driver");
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(r.agentConfigText()).contains("driverRoot: /run/nvidia/driver");
  }

  @Test
  void aRuntimeClassIsSetOnlyWhenNamed() {
    assertThat(render(Toggle.RUNTIME_CLASS).pod().getRuntimeClassName()).isEqualTo("nvidia");
  }

  @Test
  void aCountersCsvGetsItsConfigMapAndTheCountersFileKey() {
    Rendering r = render(Toggle.COUNTERS_CSV);

    ConfigMap counters = r.named(ConfigMap.class, "gpu-agent-counters").orElseThrow();
    assertThat(counters.getData().get("counters.csv")).contains("DCGM_FI_DEV_GPU_UTIL, gauge");
    assertThat(r.agentConfigText()).contains("countersFile: /etc/gpu-agent/counters/counters.csv");
    assertThat(r.mount("counters").orElseThrow().getMountPath())
        .isEqualTo("/etc/gpu-agent/counters");
  }

  @Test
  void migLayoutsArePrivilegedWithTheHostDevAndNeedNoApiAccessWithoutNodeLabels() {
    Rendering r = render(Toggle.MIG_LAYOUTS);

    assertThat(r.privileged()).isTrue();
    assertThat(r.hostPaths()).containsEntry("host-dev", "/dev");
    assertThat(r.named(ConfigMap.class, "gpu-agent-mig").orElseThrow().getData().get("config.yaml"))
        .contains("mig-configs:");
    assertThat(r.agentConfigText())
        .contains("configFile: /etc/gpu-agent/mig/config.yaml")
        .doesNotContain("nodeLabel");
    assertThat(r.all(ClusterRole.class)).isEmpty();
    assertThat(r.pod().getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void migNodeLabelModeMayOnlyGetListWatchAndPatchNodes() {
    Rendering r = render(Toggle.MIG_NODE_LABEL);

    ServiceAccount account = r.all(ServiceAccount.class).get(0);
    assertThat(r.pod().getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    assertThat(r.pod().getAutomountServiceAccountToken()).isTrue();
    assertThat(r.all(ClusterRole.class).get(0).getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly("");
              assertThat(rule.getResources()).containsExactly("nodes");
              assertThat(rule.getVerbs())
                  .containsExactlyInAnyOrder("get", "list", "watch", "patch");
            });
    ClusterRoleBinding binding = r.all(ClusterRoleBinding.class).get(0);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(account.getMetadata().getName()));
    assertThat(r.agentConfigText()).contains("nodeLabel: true");
  }

  @Test
  void sharingReadsTheHostProcAndKillEnforcementMaySignalHostProcesses() {
    Rendering r = render(Toggle.SHARING);

    assertThat(r.pod().getHostPID()).isTrue();
    assertThat(r.pod().getHostIPC()).isNull();
    assertThat(r.hostPaths()).containsEntry("host-proc", "/proc");
    assertThat(r.mount("host-proc").orElseThrow().getReadOnly()).isTrue();
    assertThat(r.agentConfigText())
        .contains("procRoot: /host/proc")
        .contains("mode: memory-slices");
    assertThat(r.privileged()).isFalse();
    assertThat(r.container().getSecurityContext().getCapabilities().getAdd())
        .containsExactly("SYS_PTRACE", "KILL");
  }

  @Test
  void mpsEnforcementSharesTheHostIpcAndThePipeDirectory() {
    Rendering r = render(Toggle.SHARING_MPS);

    assertThat(r.pod().getHostIPC()).isTrue();
    assertThat(r.hostPaths()).containsEntry("mps-pipes", "/run/gpu-agent/mps");
    assertThat(r.mount("mps-pipes").orElseThrow().getMountPath()).isEqualTo("/run/gpu-agent/mps");
    assertThat(r.agentConfigText()).contains("pipeRoot: /run/gpu-agent/mps");
    assertThat(r.container().getSecurityContext().getCapabilities().getAdd())
        .as("no KILL without kill enforcement")
        .containsExactly("SYS_PTRACE");
  }

  @Test
  void serviceMonitorScrapesTheServicePort() {
    Rendering r = render(Toggle.SERVICE_MONITOR);

    ServiceMonitor monitor = r.all(ServiceMonitor.class).get(0);
    assertThat(monitor.getSpec().getEndpoints())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getPort())
                    .isEqualTo(r.all(Service.class).get(0).getSpec().getPorts().get(0).getName()));
    assertThat(monitor.getSpec().getSelector().getMatchLabels())
        .isEqualTo(r.daemonSet().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void noServiceMeansNoServiceObject() {
    assertThat(render(Toggle.SERVICE_OFF).all(Service.class)).isEmpty();
  }

  @Test
  void javaOptsReachTheLauncher() {
    List<EnvVar> env = render(Toggle.JAVA_OPTS).container().getEnv();

    assertThat(env)
        .filteredOn(e -> e.getName().equals("GPU_AGENT_JAVA_OPTS"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("-XX:+PrintFlagsFinal"));
    assertThat(render(Toggle.DEFAULTS).container().getEnv())
        .noneMatch(e -> e.getName().equals("GPU_AGENT_JAVA_OPTS"));
  }

  private static void assertUnprivileged(Rendering r) {
    var context = r.container().getSecurityContext();
    assertThat(r.privileged()).isFalse();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getReadOnlyRootFilesystem()).isTrue();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(r.pod().getHostPID()).isNull();
    assertThat(r.pod().getHostIPC()).isNull();
    assertThat(r.pod().getHostNetwork()).isNull();
  }
}
