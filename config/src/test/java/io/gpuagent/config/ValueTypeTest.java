package io.gpuagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValueTypeTest {
  enum Colour {
    DARK_RED,
    BLUE;

    String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final ValueType.Word<Colour> COLOUR =
      new ValueType.Word<>(Colour.class, Colour::word);

  @Test
  void enumWordsComeFromTheEnumInItsOrder() {
    assertThat(COLOUR.parse(" Dark-Red ")).isEqualTo(Colour.DARK_RED);
    assertThat(COLOUR.describe()).isEqualTo("one of `dark-red`, `blue`");
    assertThat(COLOUR.format(Colour.BLUE)).isEqualTo("blue");
    assertThatThrownBy(() -> COLOUR.parse("green")).hasMessage("must be one of dark-red, blue");
  }

  @Test
  void wordListsKeepTheOrderWrittenAndRefuseRepeats() {
    ValueType.Words<Colour> colours = new ValueType.Words<>(COLOUR, false);

    assertThat(colours.parse("blue, dark-red")).containsExactly(Colour.BLUE, Colour.DARK_RED);
    assertThat(colours.parse(List.of("blue"))).containsExactly(Colour.BLUE);
    assertThat(colours.format(colours.parse("blue,dark-red"))).isEqualTo("[blue, dark-red]");
    assertThatThrownBy(() -> colours.parse("blue,blue")).hasMessage("lists 'blue' twice");
    assertThatThrownBy(() -> colours.parse(List.of()))
        .hasMessage("must name at least one of dark-red, blue");
    assertThat(new ValueType.Words<>(COLOUR, true).parse("")).isEmpty();
  }

  @Test
  void durationsParseWithAUnitAndFormatInTheLargestExactOne() {
    ValueType.MinDuration duration = new ValueType.MinDuration(Duration.ofMillis(100));

    assertThat(duration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(duration.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(duration.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(duration.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(duration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(duration.describe()).isEqualTo("duration ≥ 100ms");
    assertThatThrownBy(() -> duration.parse("-5s")).hasMessage("must not be negative");
    assertThatThrownBy(() -> duration.parse("10ms")).hasMessage("must be at least 100ms");
    assertThatThrownBy(() -> duration.parse("5")).hasMessageStartingWith("must be a duration");
    assertThat(duration.parse("168h")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> duration.parse("169h")).hasMessage("must be at most 168h");
    assertThatThrownBy(() -> duration.parse("9999999999999999h"))
        .hasMessage("must be at most 168h");
    assertThatThrownBy(() -> duration.parse("99999999999999999999999ms"))
        .hasMessage("must be at most 168h");
  }

  @Test
  void textRefusesControlCharacters() {
    assertThatThrownBy(() -> new ValueType.Text(false).parse("node\nforged"))
        .hasMessageStartingWith("must not contain control characters");
  }

  @Test
  void anOptionalValueIsEmptyWhenBlank() {
    ValueType.Maybe<Path> file = new ValueType.Maybe<>(new ValueType.FilePath());

    assertThat(file.parse("")).isEmpty();
    assertThat(file.parse("/etc/x")).contains(Path.of("/etc/x"));
    assertThat(file.format(Optional.empty())).isEmpty();
  }

  @Test
  void anExtraRuleAppliesToParsedAndCodeBuiltValues() {
    ValueType.Checked<String> lower =
        new ValueType.Checked<>(
            new ValueType.Text(false), s -> s.equals(s.toLowerCase(Locale.ROOT)), "must be lower");

    assertThat(lower.parse("abc")).isEqualTo("abc");
    assertThatThrownBy(() -> lower.parse("ABC")).hasMessage("must be lower");
    assertThatThrownBy(() -> lower.check("ABC")).hasMessage("must be lower");
    assertThatThrownBy(() -> lower.parse("")).hasMessage("must not be empty");
  }

  @Test
  void wholeNumbersAreRangeChecked() {
    ValueType.IntRange port = new ValueType.IntRange(0, 65535);

    assertThat(port.parse(" 80 ")).isEqualTo(80);
    assertThatThrownBy(() -> port.parse("70000")).hasMessage("must be between 0 and 65535");
    // too many digits for a long: out of range, never wrapped or "not a number"
    assertThatThrownBy(() -> port.parse("99999999999999999999"))
        .hasMessage("must be between 0 and 65535");
    assertThatThrownBy(() -> port.parse(new java.math.BigInteger("18446744073709551696")))
        .hasMessage("must be between 0 and 65535");
    assertThatThrownBy(() -> port.parse(80.5)).hasMessage("must be a whole number");
    assertThat(new ValueType.IntList(1, 10).parse("1, 2")).containsExactly(1, 2);
  }
}
