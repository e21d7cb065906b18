package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * Which incarnation of a socket file exists: inode and modification time. A restarted kubelet
 * re-creates kubelet.sock, often on the inode just freed, so the inode alone would not tell.
 */
record SocketFileId(Object fileKey, FileTime modified) {

  // equals and hashCode written out: the record's own are method handles the JVM generates
  // classes for at the first call (the kubelet socket is compared every few seconds).
  @Override
  public boolean equals(Object other) {
    return other instanceof SocketFileId id
        && fileKey.equals(id.fileKey)
        && modified.equals(id.modified);
  }

  @Override
  public int hashCode() {
    return 31 * fileKey.hashCode() + modified.hashCode();
  }

  /**
   * @throws UncheckedIOException when the file exists but cannot be read
   */
  static Optional<SocketFileId> of(Path socket) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class);
      return Optional.of(
          new SocketFileId(
              attributes.fileKey() != null ? attributes.fileKey() : socket,
              attributes.lastModifiedTime()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + socket + ": " + e.getMessage(), e);
    }
  }
}
