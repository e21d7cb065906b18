package io.gpuagent.health.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbeResultTest {

  @Test
  void everyOutcomeSurvivesTheJsonLine() {
    for (ProbeResult result :
        new ProbeResult[] {
          ProbeResult.passed(Duration.ofMillis(812)),
          ProbeResult.failed(Duration.ofMillis(40), "3 words differ", 3),
          ProbeResult.hung(Duration.ofSeconds(30), "no result within 30000 ms"),
          ProbeResult.unavailable(Duration.ZERO, "libcuda.so.1 not found")
        }) {
      String line = result.toJson();
      assertThat(line).doesNotContain("\n");
      assertThat(ProbeResult.fromJson(line)).isEqualTo(result);
    }
  }

  @Test
  void theLineIsTheDocumentedShape() {
    assertThat(ProbeResult.failed(Duration.ofMillis(812), "3 words differ", 3).toJson())
        .isEqualTo(
            "{\"outcome\":\"FAILED\",\"durationMs\":812,\"detail\":\"3 words differ\","
                + "\"mismatches\":3}");
  }

  @Test
  void quotesBackslashesControlCharactersAndUnicodeRoundTrip() {
    String detail = "cuda said \"no\" \\ at\tcol \u0001 \u00e9\u4e2d";
    ProbeResult result = ProbeResult.failed(Duration.ofMillis(1), detail, 0);
    assertThat(ProbeResult.fromJson(result.toJson()).detail()).isEqualTo(detail);
  }

  @Test
  void detailIsKeptToOneLine() {
    assertThat(ProbeResult.failed(Duration.ZERO, "first\nsecond\r\nthird", 0).detail())
        .isEqualTo("first second  third");
  }

  @Test
  void unknownKeysSpacesAndMissingOptionalFieldsAreAccepted() {
    ProbeResult result =
        ProbeResult.fromJson(
            " { \"kernel\" : \"memory\", \"outcome\" : \"PASSED\", \"ok\": true, \"x\": null } ");
    assertThat(result).isEqualTo(ProbeResult.passed(Duration.ZERO));
  }

  @Test
  void unknownKeysWithNestedOrFractionalValuesAreSkipped() {
    ProbeResult result =
        ProbeResult.fromJson(
            "{\"gpu\":{\"sm\":[1,2]},\"outcome\":\"HUNG\",\"load\":0.5,\"durationMs\":7}");
    assertThat(result).isEqualTo(ProbeResult.hung(Duration.ofMillis(7), ""));
  }

  @Test
  void brokenLinesAreRefusedWithOneLineNamingTheProblem() {
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"durationMs\":3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe result has no \"outcome\" string: {\"durationMs\":3}");
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"outcome\":\"MAYBE\"}"))
        .hasMessage("probe result has unknown outcome \"MAYBE\"");
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"outcome\":\"PASSED\",\"durationMs\":\"1\"}"))
        .hasMessage("probe result \"durationMs\" is not an integer: 1");
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"outcome\":\"PASSED\""))
        .hasMessageStartingWith("not a probe result: expected more text at column");
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"outcome\":\"PASSED\"} trailing"))
        .hasMessageStartingWith("not a probe result: text after the object at column 22");
    assertThatThrownBy(() -> ProbeResult.fromJson("Segmentation fault"))
        .hasMessageStartingWith("not a probe result: expected '{' at column 1");
  }

  @Test
  void valuesOutOfRangeAreRefused() {
    assertThatThrownBy(() -> ProbeResult.fromJson("{\"outcome\":\"FAILED\",\"mismatches\":-1}"))
        .hasMessage("mismatches must be >= 0, got -1");
    assertThatThrownBy(() -> new ProbeRequest("GPU-1", ProbeKind.MEMORY, 64, Duration.ZERO))
        .hasMessage("probe deadline must be positive, got PT0S");
    assertThatThrownBy(() -> ProbeKind.fromWord("tensor"))
        .hasMessage("probe kind must be memory or compute, got \"tensor\"");
  }
}
