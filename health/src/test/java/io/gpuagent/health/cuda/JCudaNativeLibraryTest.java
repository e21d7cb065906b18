package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
    Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
    // a scratch file of another process (a probe killed mid-copy) is not this test's
    Set<String> before = partFiles(tempDir);
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

    assertThat(tempDir.resolve(JCudaNativeLibrary.fileName())).hasBinaryContent(library);
    assertThat(partFiles(tempDir)).isSubsetOf(before);
  }

  private static Set<String> partFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith(JCudaNativeLibrary.fileName()) && name.endsWith(".part"))
          .collect(Collectors.toSet());
    }
  }
}
