package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The checked-in PTX, checked without nvcc: version, target, source hash, kernel signatures. */
class PtxFilesTest {

  private static final List<Kernel> LAUNCHED =
      List.of(PatternBuffer.FILL, PatternBuffer.VERIFY, ComputeProbe.MIX);

  @Test
  void everyKernelSourceHasItsPtxInTheJar() {
    assertThat(KernelSources.kernelNames()).containsExactly("compute_probe", "memory_probe");
    for (String name : KernelSources.kernelNames()) {
      assertThat(CudaModule.ptx(name)).as(name).hasSizeGreaterThan(100).endsWith(0);
    }
  }

  @Test
  void ptxDeclaresIsa63ForSm75WhichDriversFromR410OnLoad() {
    for (String name : KernelSources.kernelNames()) {
      List<String> directives = ptxLines(name).stream().filter(l -> l.startsWith(".")).toList();
      // R535 (CUDA 12.2) takes PTX ISA up to 8.2; nvcc 13 writes 9.0, which needs R580
      assertThat(directives)
          .as(name)
          .startsWith(".version 6.3", ".target sm_75", ".address_size 64");
    }
  }

  @Test
  void ptxWasCompiledFromTheSourceAsItIsNow() throws Exception {
    for (String name : KernelSources.kernelNames()) {
      byte[] source = Files.readAllBytes(KernelSources.CUDA_DIR.resolve(name + ".cu"));
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
      assertThat(ptxLines(name).get(0))
          .as(
              "%s.ptx is stale: run health/src/main/cuda/compile-ptx.sh"
                  + " health/src/main/resources/io/gpuagent/health/cuda",
              name)
          .isEqualTo("// " + name + ".cu sha256 " + sha256);
    }
  }

  @Test
  void kernelsAreLaunchedWithTheParametersTheirPtxDeclares() {
    for (Kernel kernel : LAUNCHED) {
      List<String> declared = entryParamTypes(kernel);
      List<String> passed = kernel.params().stream().map(KernelParam::ptxType).toList();
      assertThat(passed).as(kernel.entry()).isEqualTo(declared);
    }
  }

  private static List<String> entryParamTypes(Kernel kernel) {
    String ptx = String.join("\n", ptxLines(kernel.module()));
    Matcher entry =
        Pattern.compile("\\.visible \\.entry " + Pattern.quote(kernel.entry()) + "\\(([^)]*)\\)")
            .matcher(ptx);
    assertThat(entry.find()).as("%s declares .entry %s", kernel.module(), kernel.entry()).isTrue();
    Matcher param = Pattern.compile("\\.param (\\.\\w+) ").matcher(entry.group(1));
    List<String> types = new ArrayList<>();
    while (param.find()) {
      types.add(param.group(1));
    }
    return types;
  }

  private static List<String> ptxLines(String name) {
    byte[] ptx = CudaModule.ptx(name);
    String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
    try (Stream<String> lines = text.lines()) {
      return lines.map(String::strip).toList();
    }
  }
}
