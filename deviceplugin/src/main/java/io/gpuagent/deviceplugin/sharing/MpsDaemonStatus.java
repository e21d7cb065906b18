package io.gpuagent.deviceplugin.sharing;

import java.time.Instant;
import java.util.Optional;

/**
 * One GPU's MPS control daemon as the agent last saw it.
 *
 * @param state {@code starting}, {@code up}, {@code down} (a restart is scheduled) or {@code
 *     stopped}
 * @param restarts how often it was started again after it stopped answering or failed to start
 * @param since when it entered this state
 * @param lastError why it was last found down, e.g. {@code control exited 1}
 */
public record MpsDaemonStatus(
    String uuid, State state, int restarts, Instant since, Optional<String> lastError) {

  public enum State {
    STARTING("starting"),
    UP("up"),
    DOWN("down"),
    STOPPED("stopped");

    private final String word;

    State(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }
}
