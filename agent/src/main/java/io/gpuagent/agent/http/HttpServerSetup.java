package io.gpuagent.agent.http;

import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.agent.config.HttpLimits;
import io.gpuagent.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server's options: gzip when asked, HTTP/1.1 only, the configured limits and timeouts,
 * and with a certificate TLS 1.2 and 1.3 with forward-secret AEAD cipher suites only.
 */
public final class HttpServerSetup {
  /** TLS 1.3's suites, then TLS 1.2's ECDHE/DHE AEAD suites; no static RSA, no CBC. */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private HttpServerSetup() {}

  /**
   * The server options for {@code http}.
   *
   * @throws ConfigException naming the keys when the TLS certificate or key cannot be used
   */
  public static HttpServerOptions options(Vertx vertx, HttpConfig http) {
    HttpLimits limits = http.limits();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(http.host())
            .setPort(http.port())
            .setCompressionSupported(true)
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout((int) limits.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setMaxHeaderSize(limits.maxHeaderBytes())
            .setMaxInitialLineLength(limits.maxRequestLineBytes())
            .setMaxChunkSize(8192);
    if (http.tlsCertFile().isPresent() && http.tlsKeyFile().isPresent()) {
      PemKeyCertOptions pem =
          new PemKeyCertOptions()
              .setCertPath(http.tlsCertFile().get().toString())
              .setKeyPath(http.tlsKeyFile().get().toString());
      try {
        pem.getKeyManagerFactory(vertx);
      } catch (Exception e) {
        throw new ConfigException(
            "keys '"
                + HttpConfig.TLS_CERT_FILE.path()
                + "' and '"
                + HttpConfig.TLS_KEY_FILE.path()
                + "': files '"
                + http.tlsCertFile().get()
                + "' and '"
                + http.tlsKeyFile().get()
                + "' are not a PEM certificate chain and its private key");
      }
      options
          .setSsl(true)
          .setKeyCertOptions(pem)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
      CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }
    return options;
  }
}
