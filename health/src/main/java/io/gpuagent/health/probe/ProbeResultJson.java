package io.gpuagent.health.probe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The probe protocol's one JSON line, written and read with Jackson's streaming API (jackson-core,
 * which the agent jar has through Vert.x; the child is the same jar).
 */
final class ProbeResultJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ProbeResultJson() {}

  static String write(ProbeResult result) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("outcome", result.outcome().name());
      json.writeNumberField("durationMs", result.duration().toMillis());
      json.writeStringField("detail", result.detail());
      json.writeNumberField("mismatches", result.mismatches());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  static ProbeResult read(String line) {
    String body = line.stripLeading();
    if (!body.startsWith("{")) {
      throw notAResult("expected '{'", line.length() - body.length(), line);
    }
    try (JsonParser json = JSON.createParser(line)) {
      json.nextToken(); // the '{'
      String outcome = null;
      long durationMs = 0;
      String detail = "";
      long mismatches = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String key = json.currentName();
        JsonToken value = json.nextToken();
        switch (key) {
          case "outcome" -> outcome = value == JsonToken.VALUE_STRING ? json.getText() : null;
          case "durationMs" -> durationMs = integer(json, key);
          case "detail" -> detail = text(json, key);
          case "mismatches" -> mismatches = integer(json, key);
          default -> {} // a newer child may add fields
        }
        json.skipChildren();
      }
      int end = (int) json.currentLocation().getCharOffset();
      String rest = line.substring(end);
      if (!rest.isBlank()) {
        throw notAResult("text after the object", end + rest.indexOf(rest.strip()), line);
      }
      if (outcome == null) {
        throw new IllegalArgumentException("probe result has no \"outcome\" string: " + line);
      }
      return new ProbeResult(outcome(outcome), Duration.ofMillis(durationMs), detail, mismatches);
    } catch (JsonEOFException e) {
      throw notAResult("expected more text", line.length(), line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a probe result: "
              + e.getOriginalMessage().replace('\n', ' ')
              + " at column "
              + e.getLocation().getColumnNr()
              + " of: "
              + line,
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  private static ProbeResult.Outcome outcome(String name) {
    try {
      return ProbeResult.Outcome.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("probe result has unknown outcome \"" + name + "\"", e);
    }
  }

  private static long integer(JsonParser json, String key) throws IOException {
    if (json.currentToken() != JsonToken.VALUE_NUMBER_INT
        || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new IllegalArgumentException(
          "probe result \"" + key + "\" is not an integer: " + json.getText());
    }
    return json.getLongValue();
  }

  private static String text(JsonParser json, String key) throws IOException {
    if (json.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(
          "probe result \"" + key + "\" is not a string: " + json.getText());
    }
    return json.getText();
  }

  private static IllegalArgumentException notAResult(String what, int index, String line) {
    return new IllegalArgumentException(
        "not a probe result: " + what + " at column " + (index + 1) + " of: " + line);
  }
}
