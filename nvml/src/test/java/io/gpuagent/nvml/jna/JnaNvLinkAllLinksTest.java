package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NVLink counters of all links in one field-values call, and the per-link fallback. */
class JnaNvLinkAllLinksTest {
  private static final String FIELD_VALUES = "nvmlDeviceGetFieldValues";

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;
  private NvmlDevice gpu;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
    gpu = nvml.deviceByIndex(FakeNvml.FULL);
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  /** The fake's four links, read one by one and added up. */
  private NvLinkThroughput perLinkSum() {
    NvLinkThroughput sum = new NvLinkThroughput(0, 0);
    for (int link = 0; link < 4; link++) {
      sum = sum.plus(gpu.nvLinkThroughput(link).orElseThrow());
    }
    return sum;
  }

  @Test
  void allLinksTotalIsOneFieldValuesCallThatMatchesThePerLinkSum() {
    NvLinkThroughput expected = perLinkSum();
    int before = fake.fake_nvml_calls(FIELD_VALUES);

    assertThat(gpu.nvLinkThroughputTotal()).contains(expected);
    assertThat(fake.fake_nvml_calls(FIELD_VALUES) - before).isEqualTo(1);
    assertThat(gpu.nvLinkThroughputTotal()).contains(expected);
    assertThat(fake.fake_nvml_calls(FIELD_VALUES) - before).isEqualTo(2);
  }

  @Test
  void aDriverRefusingTheAllLinksScopeIsReadPerLinkWithTheSameTotal() {
    NvLinkThroughput expected = perLinkSum();
    fake.fake_nvml_refuse_all_links_scope(NvmlReturn.INVALID_ARGUMENT.code());
    int before = fake.fake_nvml_calls(FIELD_VALUES);

    assertThat(gpu.nvLinkThroughputTotal()).contains(expected);
    assertThat(fake.fake_nvml_calls(FIELD_VALUES) - before).isEqualTo(1 + NvmlDevice.MAX_NVLINKS);

    // Refused once, not asked again: the next samples go straight to the links.
    int second = fake.fake_nvml_calls(FIELD_VALUES);
    assertThat(gpu.nvLinkThroughputTotal()).contains(expected);
    assertThat(fake.fake_nvml_calls(FIELD_VALUES) - second).isEqualTo(NvmlDevice.MAX_NVLINKS);
  }

  @ParameterizedTest
  @EnumSource(
      value = NvmlReturn.class,
      names = {"NOT_SUPPORTED", "NO_PERMISSION", "UNKNOWN"})
  void anyOtherRefusalOfTheAllLinksScopeFallsBackToo(NvmlReturn refusal) {
    NvLinkThroughput expected = perLinkSum();
    fake.fake_nvml_refuse_all_links_scope(refusal.code());

    assertThat(gpu.nvLinkThroughputTotal()).contains(expected);
  }

  @Test
  void gpusWithoutNvLinkHaveNoTotal() {
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).nvLinkThroughputTotal()).isEmpty();
    assertThat(nvml.deviceByIndex(FakeNvml.UNSUPPORTED).nvLinkThroughputTotal()).isEmpty();
  }
}
