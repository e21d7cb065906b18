package io.gpuagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructuredValueTypeTest {
  private static final ValueType.ByteSize SIZE = new ValueType.ByteSize(1L << 20);

  @Test
  void byteSizesTakeBinaryUnitsAndAreWrittenInTheLargestExactOne() {
    assertThat(SIZE.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(SIZE.parse(" 512 MiB ")).isEqualTo(512L << 20);
    assertThat(SIZE.parse("2TiB")).isEqualTo(2L << 40);
    assertThat(SIZE.format(1536L << 20)).isEqualTo("1536MiB");
    assertThat(SIZE.format(2L << 30)).isEqualTo("2GiB");
    assertThat(new ValueType.ByteSize(0).format(0L)).isEqualTo("0B");
  }

  @Test
  void byteSizesWithoutABinaryUnitOrBelowTheMinimumAreRefused() {
    assertThatThrownBy(() -> SIZE.parse("1GB")).hasMessageContaining("binary unit");
    assertThatThrownBy(() -> SIZE.parse(1024)).hasMessageContaining("binary unit");
    assertThatThrownBy(() -> SIZE.parse("512KiB")).hasMessage("must be at least 1MiB");
    assertThatThrownBy(() -> SIZE.parse("999999999999999TiB")).hasMessage("is too large");
  }

  private record Named(String name) {}

  private static final ValueType.MappingList<Named> NAMES =
      new ValueType.MappingList<>(
          fields -> {
            if (!fields.keySet().equals(java.util.Set.of("name"))) {
              throw new IllegalArgumentException("needs exactly name");
            }
            return new Named(String.valueOf(fields.get("name")));
          },
          Named::name,
          list -> {
            if (list.stream().map(Named::name).distinct().count() != list.size()) {
              throw new IllegalArgumentException("names a thing twice");
            }
          },
          "`{name: ..}`");

  @Test
  void aMappingListParsesEachItemAndChecksTheWholeList() {
    assertThat(NAMES.parse(List.of(Map.of("name", "a"), Map.of("name", "b"))))
        .containsExactly(new Named("a"), new Named("b"));
    assertThat(NAMES.format(List.of(new Named("a"), new Named("b")))).isEqualTo("[a, b]");
    assertThatThrownBy(() -> NAMES.parse(List.of(Map.of("name", "a"), Map.of("nam", "b"))))
        .hasMessage("item 2: needs exactly name");
    assertThatThrownBy(() -> NAMES.parse(List.of(Map.of("name", "a"), "b")))
        .hasMessage("item 2 must be a mapping");
    assertThatThrownBy(() -> NAMES.parse(List.of(Map.of("name", "a"), Map.of("name", "a"))))
        .hasMessage("names a thing twice");
    assertThatThrownBy(() -> NAMES.parse("a"))
        .hasMessage("must be a list of mappings (`{name: ..}`), set in the config file");
  }
}
