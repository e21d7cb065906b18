package io.gpuagent.podresources;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;

/** A podresources call that got no answer, in one line naming the socket and the reason. */
public final class PodResourcesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PodResourcesException(Path socket, String method, String reason) {
    super(message(socket, method, reason));
  }

  PodResourcesException(Path socket, String method, StatusRuntimeException cause) {
    super(message(socket, method, reason(cause.getStatus())), cause);
  }

  private static String message(Path socket, String method, String reason) {
    return "podresources " + method + " failed socket=" + socket + " reason=" + reason;
  }

  /** gRPC's code and description, plus the transport's cause ("Connection refused") if any. */
  private static String reason(Status status) {
    var reason = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      reason.append(": ").append(status.getDescription());
    }
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      reason.append(" (").append(status.getCause().getMessage()).append(')');
    }
    return reason.toString();
  }
}
