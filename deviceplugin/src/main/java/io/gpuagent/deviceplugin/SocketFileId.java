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
