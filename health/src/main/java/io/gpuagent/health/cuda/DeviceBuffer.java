package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.CudaCallFailed.check;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/** Device memory from cuMemAlloc, freed on close. Needs a current context. */
final class DeviceBuffer implements AutoCloseable {

  private final CUdeviceptr pointer;
  private final long bytes;
  private boolean freed;

  private DeviceBuffer(CUdeviceptr pointer, long bytes) {
    this.pointer = pointer;
    this.bytes = bytes;
  }

  static DeviceBuffer allocate(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("device buffer needs a positive size, got " + bytes);
    }
    CUdeviceptr pointer = new CUdeviceptr();
    check("cuMemAlloc", JCudaDriver.cuMemAlloc(pointer, bytes));
    return new DeviceBuffer(pointer, bytes);
  }

  CUdeviceptr pointer() {
    return pointer;
  }

  long bytes() {
    return bytes;
  }

  /** Copies {@code into.length} 32-bit words starting at {@code byteOffset} to the host. */
  void read(long byteOffset, int[] into) {
    long length = 4L * into.length;
    checkRange(byteOffset, length);
    check(
        "cuMemcpyDtoH",
        JCudaDriver.cuMemcpyDtoH(Pointer.to(into), pointer.withByteOffset(byteOffset), length));
  }

  /** Copies {@code into.length} 64-bit words from the start of the buffer to the host. */
  void read(long[] into) {
    long length = 8L * into.length;
    checkRange(0, length);
    check("cuMemcpyDtoH", JCudaDriver.cuMemcpyDtoH(Pointer.to(into), pointer, length));
  }

  /** Copies 32-bit words from the host to the buffer, starting at {@code byteOffset}. */
  void write(long byteOffset, int[] from) {
    long length = 4L * from.length;
    checkRange(byteOffset, length);
    check(
        "cuMemcpyHtoD",
        JCudaDriver.cuMemcpyHtoD(pointer.withByteOffset(byteOffset), Pointer.to(from), length));
  }

  /** Copies 64-bit words from the host to the start of the buffer. */
  void write(long[] from) {
    long length = 8L * from.length;
    checkRange(0, length);
    check("cuMemcpyHtoD", JCudaDriver.cuMemcpyHtoD(pointer, Pointer.to(from), length));
  }

  private void checkRange(long byteOffset, long length) {
    if (byteOffset < 0 || length < 0 || byteOffset > bytes - length) {
      throw new IndexOutOfBoundsException(
          length + " bytes at offset " + byteOffset + " do not fit a buffer of " + bytes);
    }
  }

  @Override
  public void close() {
    if (!freed) {
      freed = true;
      check("cuMemFree", JCudaDriver.cuMemFree(pointer));
    }
  }
}
