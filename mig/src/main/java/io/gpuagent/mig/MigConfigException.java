package io.gpuagent.mig;

/**
 * A user mistake in a mig-parted file or a layout name: malformed YAML, an unknown key, a wrong
 * type, bad profile syntax, a layout the file does not have. One line naming the file, the entry
 * and the reason; nothing is applied. The CLI exits 2 for it.
 */
public final class MigConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MigConfigException(String message) {
    super(message);
  }
}
