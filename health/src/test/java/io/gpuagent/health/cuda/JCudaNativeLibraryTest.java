package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jcuda.LibUtils;
import org.junit.jupiter.api.Test;

class JCudaNativeLibraryTest {

  @Test
  void probesStartingTogetherLeaveOneCompleteLibraryWhereJCudaLooks() throws Exception {
    byte[] library;
    try (InputStream in =
        LibUtils.class.getResourceAsStream("/lib/" + JCudaNativeLibrary.fileName())) {
      assertThat(in).as("JCuda natives for this platform on the test class path").isNotNull();
      library = in.readAllBytes();
    }
    int probes = 8;
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            probes, task -> new Thread(task, "jcuda-extract-" + threads.incrementAndGet()));
    try {
      List<Future<?>> extracts = new ArrayList<>();
      for (int i = 0; i < probes; i++) {
        extracts.add(
            pool.submit(
                () -> {
                  start.await();
                  JCudaNativeLibrary.extract();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> extract : extracts) {
        extract.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    Path scratch = Files.createTempFile("where", ".tmp");
    Path tempDir = scratch.getParent();
    Files.delete(scratch);
    assertThat(tempDir.resolve(JCudaNativeLibrary.fileName())).hasBinaryContent(library);
    try (var leftovers = Files.list(tempDir)) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .noneMatch(
              name -> name.startsWith(JCudaNativeLibrary.fileName()) && name.endsWith(".part"));
    }
  }
}
