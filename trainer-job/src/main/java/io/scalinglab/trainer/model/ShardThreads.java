package io.scalinglab.trainer.model;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The threads a data-parallel {@link GptKernel} runs its shards on. Each computes with one native
 * thread: OpenMP's thread count is a per-thread setting in the GNU runtime ND4J ships, so every
 * shard thread sets its own to 1 when it starts. OpenBLAS's thread count is one per JVM; it is set
 * to 1 too, since its idle workers spin in {@code sched_yield} and took the core a second shard
 * needs (measured: config (b) at 3,300–3,700 tokens/s on 2 shards with OpenBLAS on 2 threads,
 * 9,100–9,800 on 1).
 */
final class ShardThreads {
  /** How long an idle shard thread lives: a finished run's threads go away on their own. */
  private static final long KEEP_ALIVE_SECONDS = 30;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private ShardThreads() {}

  /** A pool of {@code shards} daemon threads, each computing with one native thread. */
  static ExecutorService pool(int shards) {
    singleThreadedBlas();
    int pool = POOLS.incrementAndGet();
    AtomicInteger made = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            shards,
            shards,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t =
                  new Thread(
                      () -> {
                        oneNativeThread();
                        task.run();
                      },
                      "gpt-kernel-" + pool + "-shard-" + made.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Makes the calling thread's native ops (OpenMP regions) run on it alone. */
  static void oneNativeThread() {
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
  }

  /** Sets OpenBLAS, one setting for the whole JVM, to compute on the calling thread only. */
  static void singleThreadedBlas() {
    if (!KernelOps.cudaBackend()) {
      Nd4j.factory().blas().setMaxThreads(1);
    }
  }
}
