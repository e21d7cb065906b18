package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigValues;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Checks {@code http.host} before anything listens: an IP literal, or a host name that resolves.
 * Something that looks like an IPv4 address but is not one ({@code 999.1.1.1}) is refused without
 * asking DNS.
 */
final class HttpHost {
  private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

  private HttpHost() {}

  static void check(ConfigValues values, ConfigKey<String> key) {
    String host = values.get(key);
    if (DOTTED_NUMBERS.matcher(host).matches()) {
      if (!IPV4.matcher(host).matches()) {
        throw values.invalid(key, "is not an IPv4 address");
      }
      return;
    }
    if (host.contains(":")) {
      String literal =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      if (!literal.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?")) {
        throw values.invalid(key, "is not an IPv6 address");
      }
      try {
        InetAddress.getByName(literal); // a literal: no lookup
      } catch (UnknownHostException | RuntimeException e) {
        throw values.invalid(key, "is not an IPv6 address");
      }
      return;
    }
    if (!HOST_NAME.matcher(host).matches()) {
      throw values.invalid(key, "is neither an IP address nor a host name");
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw values.invalid(key, "does not resolve to an address");
    }
  }
}
