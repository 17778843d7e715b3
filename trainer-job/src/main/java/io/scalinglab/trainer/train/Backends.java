package io.scalinglab.trainer.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Which ND4J backend a run uses, and binding a run to the GPU it was given. */
public final class Backends {
  private Backends() {}

  /** Whether ND4J loaded its CUDA backend (built with {@code mvn -Pcuda}, on a GPU machine). */
  public static boolean cuda() {
    return Nd4j.getBackend()
        .getClass()
        .getName()
        .toLowerCase(java.util.Locale.ROOT)
        .contains("cuda");
  }

  /** A short description for logs: backend and device, or native threads on CPU. */
  public static String describe() {
    return cuda()
        ? "CUDA backend, device "
            + Nd4j.getAffinityManager().getDeviceForCurrentThread()
            + " of "
            + Nd4j.getAffinityManager().getNumberOfDevices()
        : "CPU backend, " + threads() + " native thread(s)";
  }

  /**
   * Sets the native threads of this JVM's tensor ops. {@code Environment.setMaxThreads} alone does
   * nothing once ND4J is loaded (measured: it stays at the core count), so this also sets OpenMP's
   * thread count and libnd4j's op-level ("master") thread pool.
   *
   * <p>OpenBLAS, which ND4J calls for some of its matrix products, is set to one thread whatever
   * {@code threads} is: its idle workers spin in {@code sched_yield} and take the cores OpenMP's
   * threads need. Measured at {@code bench train}'s config (b) on 2 native threads: 5,800–6,400
   * tokens/s with OpenBLAS on 2 threads, 7,300–7,800 with it on 1.
   */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment().setMaxMasterThreads(threads); // loads the backend NativeOps needs
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
    if (!cuda()) {
      Nd4j.factory().blas().setMaxThreads(1);
    }
  }

  /** The OpenMP threads native ops use now. */
  public static int threads() {
    Nd4j.getEnvironment(); // loads the backend NativeOps needs
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  /**
   * Binds the calling thread's ND4J work to GPU {@code ordinal} (a Spark task's assigned address)
   * on the CUDA backend; a no-op on the CPU backend or for a negative ordinal.
   *
   * @throws IllegalArgumentException if the ordinal is not a device of this machine
   */
  public static void bindGpu(int ordinal) {
    if (ordinal < 0 || !cuda()) {
      return;
    }
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    if (ordinal >= devices) {
      throw new IllegalArgumentException(
          "train.gpu = "
              + ordinal
              + " but this machine has "
              + devices
              + " GPU(s): use 0.."
              + (devices - 1)
              + ", or -1 to let ND4J choose");
    }
    Nd4j.getAffinityManager().unsafeSetDevice(ordinal);
  }
}
