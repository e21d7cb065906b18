package io.gpuagent.health.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;

/** One value passed to a kernel launch. */
sealed interface KernelArgument {

  /** The parameter kind this value fills. */
  KernelParam param();

  /** Host memory holding the value, as cuLaunchKernel's parameter array wants it. */
  NativePointerObject hostPointer();

  static KernelArgument buffer(DeviceBuffer buffer) {
    return new Buffer(buffer);
  }

  static KernelArgument u64(long value) {
    return new U64(value);
  }

  static KernelArgument u32(int value) {
    return new U32(value);
  }

  /** A device buffer's address. */
  record Buffer(DeviceBuffer buffer) implements KernelArgument {
    @Override
    public KernelParam param() {
      return KernelParam.POINTER;
    }

    @Override
    public NativePointerObject hostPointer() {
      return Pointer.to(buffer.pointer());
    }
  }

  /** A 64-bit integer. */
  record U64(long value) implements KernelArgument {
    @Override
    public KernelParam param() {
      return KernelParam.U64;
    }

    @Override
    public NativePointerObject hostPointer() {
      return Pointer.to(new long[] {value});
    }
  }

  /** A 32-bit integer, signed or not: the kernel reads the same bits. */
  record U32(int value) implements KernelArgument {
    @Override
    public KernelParam param() {
      return KernelParam.U32;
    }

    @Override
    public NativePointerObject hostPointer() {
      return Pointer.to(new int[] {value});
    }
  }
}
