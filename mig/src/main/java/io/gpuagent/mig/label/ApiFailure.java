package io.gpuagent.mig.label;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/**
 * A failed Kubernetes API call said in a few words for one log line: the HTTP status (0 when the
 * server did not answer) and what it means here, without the client's stack trace.
 */
record ApiFailure(int status, String reason) {
  static ApiFailure of(KubernetesClientException e) {
    int code = e.getCode();
    if (code <= 0) { // the client says -1 (or 0) when no HTTP answer came
      return new ApiFailure(0, unreachable(e));
    }
    return switch (code) {
      case 401 -> new ApiFailure(code, "unauthorized: the service account token was refused");
      case 403 ->
          new ApiFailure(
              code,
              "forbidden: RBAC lacks get/watch/patch on nodes" + serverSays(e)); // names the verb
      case 404 -> new ApiFailure(code, "node not found");
      default -> new ApiFailure(code, firstLine(e.getMessage()));
    };
  }

  private static String serverSays(KubernetesClientException e) {
    return e.getStatus() == null || e.getStatus().getMessage() == null
        ? ""
        : " (" + firstLine(e.getStatus().getMessage()) + ")";
  }

  private static String unreachable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
        String detail = cause.getMessage();
        return "API server unreachable: "
            + (detail == null ? cause.getClass().getSimpleName() : firstLine(detail));
      }
    }
    return "no answer: " + firstLine(String.valueOf(e.getMessage()));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown";
    }
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    return line.length() <= 300 ? line : line.substring(0, 300) + "…";
  }
}
