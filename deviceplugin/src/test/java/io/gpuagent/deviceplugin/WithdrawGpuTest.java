package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A GPU drained for a MIG re-layout leaves the kubelet's lists, and only that GPU. */
class WithdrawGpuTest {
  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void aWithdrawnGpuAndItsMigDevicesLeaveTheListsUntilRestored() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    PluginClient gpus = fixture.kubelet.plugin("nvidia.com/gpu");
    PluginClient small = fixture.kubelet.plugin("nvidia.com/mig-1g.10gb");
    List<String> wholeGpus = ids(gpus.awaitFirstList());
    List<String> smallBefore = ids(small.awaitFirstList());
    String gpu0 = fixture.node.current().uuidAt(0).orElseThrow();
    String gpu2 = fixture.node.current().uuidAt(2).orElseThrow();

    service.withdraw(gpu0);
    service.withdraw(gpu2);

    small.awaitList("GPU 0's 1g.10gb gone", list -> ids(list).size() < smallBefore.size());
    gpus.awaitList(
        "only GPU 2 gone",
        list -> ids(list).equals(wholeGpus.stream().filter(id -> !id.equals(gpu2)).toList()));
    assertThatThrownBy(() -> gpus.allocate(List.of(gpu2)))
        .isInstanceOf(StatusRuntimeException.class);

    service.restore(gpu0);
    service.restore(gpu2);

    small.awaitList("GPU 0's 1g.10gb back", list -> ids(list).equals(smallBefore));
    gpus.awaitList("GPU 2 back", list -> ids(list).equals(wholeGpus));
  }

  private static List<String> ids(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).toList();
  }
}
