package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.check;
import static io.gpuagent.nvml.jna.NvmlCalls.requiredInt;
import static io.gpuagent.nvml.jna.NvmlCalls.requiredString;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.TopologyLevel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Nvml} over NVIDIA's {@code libnvidia-ml.so.1} through JNA. The library is opened by the
 * first {@link #init()}, never earlier, so a node without the driver fails with one sentence.
 * Thread-safe: NVML itself is, and this class keeps its own state in volatile fields and concurrent
 * maps.
 */
public final class JnaNvml implements Nvml {

  /** The driver's soname, found by the dynamic linker. */
  public static final String LIBRARY_NAME = "libnvidia-ml.so.1";

  private static final String NOT_FOUND_MESSAGE =
      "libnvidia-ml.so.1 not found: is the NVIDIA driver installed and mounted into the container?";

  /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE} and {@code NVML_SYSTEM_NVML_VERSION_…}. */
  private static final int VERSION_SIZE = 80;

  /** What the dynamic linker is asked to open: a bare soname or an absolute path. */
  private final String library;

  private final Object lifecycle = new Object();
  private volatile LoadedLibrary loaded;
  private volatile boolean initialized;

  /** Physical GPUs by handle: NVML's GPU handles stay valid for the process lifetime. */
  private final Map<Long, JnaDevice> gpus = new ConcurrentHashMap<>();

  /** Opens {@code libnvidia-ml.so.1} wherever the dynamic linker finds it. */
  public JnaNvml() {
    this.library = LIBRARY_NAME;
  }

  /** Opens exactly this file (tests point it at a fake NVML). */
  public JnaNvml(Path library) {
    this.library = library.toAbsolutePath().toString();
  }

  /** The loaded functions and which optional symbols this driver exports. */
  record LoadedLibrary(
      NvmlLibrary functions, boolean hasNumaNodeId, boolean hasClocksEventReasons) {}

  @Override
  public void init() {
    synchronized (lifecycle) {
      if (initialized) {
        return;
      }
      if (loaded == null) {
        loaded = load(library);
      }
      check("nvmlInit_v2", loaded.functions().nvmlInit_v2());
      initialized = true;
    }
  }

  private static LoadedLibrary load(String library) {
    try {
      NvmlLibrary functions = Native.load(library, NvmlLibrary.class);
      NativeLibrary handle = NativeLibrary.getInstance(library);
      return new LoadedLibrary(
          functions,
          exports(handle, "nvmlDeviceGetNumaNodeId"),
          exports(handle, "nvmlDeviceGetCurrentClocksEventReasons"));
    } catch (UnsatisfiedLinkError e) {
      // The sentence is the message; JNA's list of every path it tried stays in the cause.
      NvmlException notFound =
          new NvmlException("dlopen", NvmlReturn.LIBRARY_NOT_FOUND, NOT_FOUND_MESSAGE);
      notFound.initCause(e);
      throw notFound;
    }
  }

  private static boolean exports(NativeLibrary handle, String symbol) {
    try {
      handle.getFunction(symbol);
      return true;
    } catch (UnsatisfiedLinkError absent) {
      // An older driver: the caller falls back or answers "not supported".
      return false;
    }
  }

  @Override
  public void shutdown() {
    synchronized (lifecycle) {
      if (!initialized) {
        return;
      }
      initialized = false;
      gpus.clear();
      check("nvmlShutdown", loaded.functions().nvmlShutdown());
    }
  }

  /** The loaded library, or UNINITIALIZED before {@link #init()} and after {@link #shutdown()}. */
  LoadedLibrary loaded() {
    LoadedLibrary current = loaded;
    if (!initialized || current == null) {
      throw new NvmlException(
          "JnaNvml", NvmlReturn.UNINITIALIZED, "NVML is not initialized: call init() first");
    }
    return current;
  }

  NvmlLibrary functions() {
    return loaded().functions();
  }

  @Override
  public String driverVersion() {
    return requiredString(
        "nvmlSystemGetDriverVersion",
        VERSION_SIZE,
        (buffer, length) -> functions().nvmlSystemGetDriverVersion(buffer, length));
  }

  @Override
  public String nvmlVersion() {
    return requiredString(
        "nvmlSystemGetNVMLVersion",
        VERSION_SIZE,
        (buffer, length) -> functions().nvmlSystemGetNVMLVersion(buffer, length));
  }

  @Override
  public int cudaDriverVersion() {
    return requiredInt(
        "nvmlSystemGetCudaDriverVersion_v2",
        out -> functions().nvmlSystemGetCudaDriverVersion_v2(out));
  }

  @Override
  public int deviceCount() {
    return requiredInt("nvmlDeviceGetCount_v2", out -> functions().nvmlDeviceGetCount_v2(out));
  }

  @Override
  public NvmlDevice deviceByIndex(int index) {
    PointerByReference handle = new PointerByReference();
    check(
        "nvmlDeviceGetHandleByIndex_v2", functions().nvmlDeviceGetHandleByIndex_v2(index, handle));
    return gpu(handle.getValue(), index);
  }

  @Override
  public NvmlDevice deviceByUuid(String uuid) {
    PointerByReference handle = new PointerByReference();
    check("nvmlDeviceGetHandleByUUID", functions().nvmlDeviceGetHandleByUUID(uuid, handle));
    return device(handle.getValue());
  }

  /** The device behind a handle NVML handed out (from an event, a MIG lookup, a UUID). */
  JnaDevice device(Pointer handle) {
    JnaDevice known = gpus.get(Pointer.nativeValue(handle));
    if (known != null) {
      return known;
    }
    int isMig =
        requiredInt(
            "nvmlDeviceIsMigDeviceHandle",
            out -> functions().nvmlDeviceIsMigDeviceHandle(handle, out));
    if (isMig != 0) {
      return MigQueries.migDeviceFromHandle(this, handle);
    }
    int index =
        requiredInt("nvmlDeviceGetIndex", out -> functions().nvmlDeviceGetIndex(handle, out));
    return gpu(handle, index);
  }

  private JnaDevice gpu(Pointer handle, int index) {
    return gpus.computeIfAbsent(
        Pointer.nativeValue(handle),
        key -> new JnaDevice(this, handle, DeviceHandle.readUuid(this, handle), index, false));
  }

  @Override
  public TopologyLevel topologyCommonAncestor(NvmlDevice first, NvmlDevice second) {
    IntByReference level = new IntByReference();
    check(
        "nvmlDeviceGetTopologyCommonAncestor",
        functions()
            .nvmlDeviceGetTopologyCommonAncestor(
                DeviceHandle.handleOf(first), DeviceHandle.handleOf(second), level));
    return TopologyLevel.fromCode(level.getValue());
  }

  @Override
  public EventSet createEventSet() {
    PointerByReference set = new PointerByReference();
    check("nvmlEventSetCreate", functions().nvmlEventSetCreate(set));
    return new JnaEventSet(this, set.getValue());
  }

  @Override
  public String toString() {
    return "JnaNvml[" + library + (initialized ? ", initialized]" : "]");
  }
}
