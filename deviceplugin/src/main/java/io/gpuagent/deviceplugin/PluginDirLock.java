package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent per device-plugin directory: an exclusive lock ({@code flock}-style, {@link
 * FileChannel#tryLock}) on {@value #FILE_NAME} in it, taken before any socket there is touched and
 * held for the life of the plugin. A second agent (a DaemonSet rolling update with {@code
 * maxSurge}) waits for it, saying so once, and gives up after the configured wait; it never removes
 * the first one's sockets. The file holds the holder's pid. The kubelet empties the directory when
 * it restarts; {@link #reassert} then locks a new file.
 */
final class PluginDirLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginDirLock.class);

  static final String FILE_NAME = "gpu-agent.lock";
  private static final long POLL_MILLIS = 100;

  private final Path file;
  private FileChannel channel;
  private FileLock lock;
  private Object fileKey;

  private PluginDirLock(Path file, FileChannel channel, FileLock lock) throws IOException {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey(file);
    writePid(channel);
  }

  /**
   * Locks {@code dir}, waiting up to {@code wait} while another process (or another service in this
   * one) holds it.
   *
   * @param cancelled stops the wait early (the agent is shutting down)
   * @throws IllegalStateException with one line when the lock stays taken
   */
  static PluginDirLock acquire(Path dir, Duration wait, BooleanSupplier cancelled)
      throws IOException {
    Path file = dir.resolve(FILE_NAME);
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    boolean told = false;
    while (true) {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock != null) {
        if (told) {
          LOG.atInfo()
              .setMessage("device-plugin-dir-lock-taken")
              .addKeyValue("lockFile", file)
              .addKeyValue("waitedMs", Duration.ofNanos(System.nanoTime() - start).toMillis())
              .log();
        }
        return new PluginDirLock(file, channel, lock);
      }
      channel.close();
      String holder = holder(file);
      if (!told) {
        LOG.atWarn()
            .setMessage("device-plugin-dir-locked")
            .addKeyValue("lockFile", file)
            .addKeyValue("holderPid", holder)
            .addKeyValue("waitingUpToMs", wait.toMillis())
            .log();
        told = true;
      }
      if (System.nanoTime() >= deadline || cancelled.getAsBoolean()) {
        throw new IllegalStateException(
            "device plugin directory "
                + dir
                + " is in use by another gpu-agent (pid "
                + holder
                + "; "
                + file
                + " stayed locked for "
                + wait.toMillis()
                + " ms, key devicePlugin.lockWait)");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + file);
      }
    }
  }

  /**
   * Locks the file again if it is gone or was replaced (the kubelet empties the directory on a
   * restart). Says so once when another process locked the new file first.
   */
  synchronized void reassert() {
    if (channel == null) {
      return;
    }
    try {
      if (Objects.equals(fileKey(file), fileKey)) {
        return;
      }
    } catch (IOException e) {
      // gone: lock a new one below
    }
    try {
      FileChannel fresh =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock freshLock = tryLock(fresh);
      if (freshLock == null) {
        fresh.close();
        LOG.atError()
            .setMessage("device-plugin-dir-lock-lost")
            .addKeyValue("lockFile", file)
            .addKeyValue("holderPid", holder(file))
            .log();
        fileKey = null; // do not repeat until the file changes again
        return;
      }
      releaseQuietly();
      channel = fresh;
      lock = freshLock;
      fileKey = fileKey(file);
      writePid(fresh);
      // DEBUG: a kubelet restart empties the directory every time; the restart is logged
      LOG.atDebug()
          .setMessage("device-plugin-dir-lock-renewed")
          .addKeyValue("lockFile", file)
          .log();
    } catch (IOException e) {
      LOG.atWarn()
          .setMessage("device-plugin-dir-lock-renew-failed")
          .addKeyValue("lockFile", file)
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log();
    }
  }

  /** Releases the lock; the file stays (removing it would race a waiting agent). */
  @Override
  public synchronized void close() {
    releaseQuietly();
    channel = null;
  }

  private void releaseQuietly() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.atDebug().setMessage("device-plugin-dir-unlock-failed").addKeyValue("error", e).log();
    }
  }

  /** Null while another channel holds it: another process, or another service in this JVM. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  private static void writePid(FileChannel channel) throws IOException {
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
        0);
  }

  /** The pid written by the holder, or "unknown". */
  private static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.matches("\\d{1,10}") ? text : "unknown";
    } catch (NoSuchFileException e) {
      return "unknown";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
