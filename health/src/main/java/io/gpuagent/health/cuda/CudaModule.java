package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.CudaCallFailed.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One of the checked-in PTX modules, compiled by the driver for this GPU (cuModuleLoadData) and
 * unloaded on close. Needs a current context.
 */
final class CudaModule implements AutoCloseable {

  private final String name;
  private final CUmodule module;
  private final Map<String, CUfunction> functions = new HashMap<>();
  private boolean unloaded;

  private CudaModule(String name, CUmodule module) {
    this.name = name;
    this.module = module;
  }

  /** Loads {@code <name>.ptx} from this package's resources. */
  static CudaModule load(String name) {
    CUmodule module = new CUmodule();
    check("cuModuleLoadData " + name, JCudaDriver.cuModuleLoadData(module, ptx(name)));
    return new CudaModule(name, module);
  }

  /** The PTX text with the NUL that cuModuleLoadData reads up to. */
  static byte[] ptx(String name) {
    String resource = name + ".ptx";
    try (InputStream in = CudaModule.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("PTX resource " + resource + " is missing from the jar");
      }
      byte[] text = in.readAllBytes();
      return Arrays.copyOf(text, text.length + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("reading PTX resource " + resource, e);
    }
  }

  /**
   * Runs {@code kernel} on a one-dimensional grid and waits for it, so a fault inside the kernel is
   * reported against it.
   */
  void launch(Kernel kernel, int blocks, int threadsPerBlock, KernelArgument... arguments) {
    if (!kernel.module().equals(name)) {
      throw new IllegalArgumentException(
          kernel.entry() + " is in " + kernel.module() + ", not " + name);
    }
    List<KernelParam> passed = Arrays.stream(arguments).map(KernelArgument::param).toList();
    if (!passed.equals(kernel.params())) {
      throw new IllegalArgumentException(
          kernel.entry() + " takes " + kernel.params() + ", was given " + passed);
    }
    NativePointerObject[] values =
        Arrays.stream(arguments)
            .map(KernelArgument::hostPointer)
            .toArray(NativePointerObject[]::new);
    check(
        "cuLaunchKernel " + kernel.entry(),
        JCudaDriver.cuLaunchKernel(
            function(kernel.entry()),
            /* gridDimX= */ blocks,
            /* gridDimY= */ 1,
            /* gridDimZ= */ 1,
            /* blockDimX= */ threadsPerBlock,
            /* blockDimY= */ 1,
            /* blockDimZ= */ 1,
            /* sharedMemBytes= */ 0,
            /* hStream= */ null,
            /* kernelParams= */ Pointer.to(values),
            /* extra= */ null));
    check("cuCtxSynchronize after " + kernel.entry(), JCudaDriver.cuCtxSynchronize());
  }

  /** Looks the entry up once; a missing name is CUDA_ERROR_NOT_FOUND. */
  CUfunction function(String entry) {
    CUfunction function = functions.get(entry);
    if (function == null) {
      function = new CUfunction();
      check(
          "cuModuleGetFunction " + entry, JCudaDriver.cuModuleGetFunction(function, module, entry));
      functions.put(entry, function);
    }
    return function;
  }

  @Override
  public void close() {
    if (!unloaded) {
      unloaded = true;
      check("cuModuleUnload " + name, JCudaDriver.cuModuleUnload(module));
    }
  }
}
