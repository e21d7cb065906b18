package io.gpuagent.nvml.health;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What NVIDIA's XID catalogue says of each XID the agent knows: a description (dcgm-exporter's
 * {@code err_msg} label) and a class. The table is data, {@code xids.tsv} next to this class; the
 * health module ignores the {@link XidClass#APPLICATION} class by default and the exporter labels
 * XIDs with the descriptions.
 */
public final class XidCatalog {
  /** The description of an XID the catalogue does not list. */
  public static final String UNKNOWN = "Unknown Error";

  private static final Map<Integer, Entry> ENTRIES = load();

  private XidCatalog() {}

  /** Who is to blame for an XID, and what it takes to trust the GPU again. */
  public enum XidClass {
    /** Usually the application's fault: the GPU is fine (NVIDIA's plugin ignores these). */
    APPLICATION("application"),
    /** Hardware or driver: the device is marked. */
    CRITICAL("critical"),
    /** Hardware or driver, and the GPU needs a reset before it can be trusted. */
    RESET_REQUIRED("reset-required");

    private final String word;

    XidClass(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    static XidClass fromWord(String word) {
      return Arrays.stream(values())
          .filter(value -> value.word.equals(word.trim().toLowerCase(Locale.ROOT)))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown XID class \"" + word + "\""));
    }
  }

  /** One row of the catalogue. */
  public record Entry(int xid, XidClass xidClass, String description) {}

  /**
   * The description, {@code "No Error"} for 0 (DCGM's "none yet"), {@value #UNKNOWN} if unlisted.
   */
  public static String describe(long xid) {
    if (xid == 0) {
      return "No Error";
    }
    Entry entry = xid > 0 && xid <= Integer.MAX_VALUE ? ENTRIES.get((int) xid) : null;
    return entry != null ? entry.description() : UNKNOWN;
  }

  /** The class; an XID the catalogue does not list is {@link XidClass#CRITICAL}. */
  public static XidClass classOf(int xid) {
    Entry entry = ENTRIES.get(xid);
    return entry != null ? entry.xidClass() : XidClass.CRITICAL;
  }

  /** The XIDs of the application class, the health module's default ignore list. */
  public static Set<Integer> applicationXids() {
    return ENTRIES.values().stream()
        .filter(entry -> entry.xidClass() == XidClass.APPLICATION)
        .map(Entry::xid)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every listed XID, by number. */
  public static Map<Integer, Entry> entries() {
    return ENTRIES;
  }

  private static Map<Integer, Entry> load() {
    try (InputStream in = XidCatalog.class.getResourceAsStream("xids.tsv")) {
      if (in == null) {
        throw new IllegalStateException("xids.tsv is missing from the nvml jar");
      }
      Map<Integer, Entry> entries = new TreeMap<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", 3);
        if (fields.length != 3) {
          throw new IllegalStateException("xids.tsv: not \"xid<TAB>class<TAB>text\": " + line);
        }
        int xid = Integer.parseInt(fields[0].trim());
        entries.put(xid, new Entry(xid, XidClass.fromWord(fields[1]), fields[2].trim()));
      }
      return Collections.unmodifiableMap(entries);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read xids.tsv", e);
    }
  }
}
