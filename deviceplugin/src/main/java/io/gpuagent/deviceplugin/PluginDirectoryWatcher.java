package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when a file in the device-plugin directory is created or deleted (the kubelet
 * restarting deletes our sockets and re-creates kubelet.sock), and every {@code period} besides, so
 * a lost or coalesced event costs at most one period. The callback decides what changed.
 */
final class PluginDirectoryWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginDirectoryWatcher.class);

  private final WatchService watchService;
  private final Duration period;
  private final Runnable onChange;
  private final Thread thread;

  PluginDirectoryWatcher(Path directory, Duration period, Runnable onChange) throws IOException {
    this.watchService = directory.getFileSystem().newWatchService();
    try {
      directory.register(
          watchService,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.OVERFLOW);
    } catch (IOException | RuntimeException e) {
      watchService.close();
      throw e;
    }
    this.period = period;
    this.onChange = onChange;
    this.thread = new Thread(this::run, "deviceplugin-dir-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watchService.poll(period.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          if (!key.reset()) {
            LOG.atWarn()
                .setMessage("plugin-dir-unwatchable")
                .addKeyValue("reason", "the directory is gone")
                .addKeyValue("checkEvery", period)
                .log();
          }
        }
        onChange.run();
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      LOG.atDebug().setMessage("plugin-dir-watch-stopped").log();
    }
  }

  @Override
  public void close() {
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.atWarn()
          .setMessage("plugin-dir-watch-close-failed")
          .addKeyValue("error", e.getMessage())
          .log();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
