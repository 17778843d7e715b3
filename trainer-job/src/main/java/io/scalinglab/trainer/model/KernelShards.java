package io.scalinglab.trainer.model;

import io.scalinglab.trainer.optim.GradClip;
import io.scalinglab.trainer.parallel.Collective;
import io.scalinglab.trainer.parallel.OptimizerShards;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager.Location;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link GptKernel}'s data parallelism within one JVM: a batch cut into shards of whole windows,
 * each shard's pass on its own {@link KernelReplica} and thread, and the gradients summed into the
 * first replica's, weighted by shard size, in a fixed order (so a run is reproducible for a given
 * shard count). With one replica everything runs on the caller's thread.
 *
 * <p>A member of a data-parallel group ({@code train.data-parallel}: W Spark tasks, a {@link
 * Collective}) first takes its part of the batch, the windows a model of W shards would give its
 * shard {@code rank}, and cuts that part into its own shards; the weights stay each shard's share
 * of the whole batch. Its weighted sum of gradients then goes into the group's sum (in rank order),
 * and its weighted loss into the group's, so W members of one thread each compute what one model of
 * W threads computes, bit for bit. When the members share a host ({@link Collective#share}), the
 * first replica's gradients live in shared memory, where the group sums them in place; and once the
 * trainer asks ({@link #shardOptimizer}), the parameters too, each member stepping its own.
 */
final class KernelShards {
  private final GptConfig config;
  private final DataType dtype;

  /** One per shard; the first also serves single-shard batches, logits and hidden states. */
  private final KernelReplica[] replicas;

  /** The shards' threads; null with one shard. */
  private final ExecutorService shardThreads;

  /** The data-parallel group this model is a member of, or null when it trains alone. */
  private final Collective group;

  /**
   * The group's sum through shared memory, where the first replica's gradients live; null when
   * alone, on the GPU, or when the group sums over TCP.
   */
  private final Collective.SharedSum shared;

  /** The gradients laid end to end for the group's sum over TCP; null otherwise. */
  private ByteBuffer flat;

  /** Where the gradients pass through on their way into {@link #flat}. */
  private final float[] block = new float[1 << 14];

  KernelShards(GptConfig config, DataType dtype, KernelReplica[] replicas, Collective group) {
    if (group != null && group.size() > 1 && dtype != DataType.FLOAT) {
      throw new IllegalArgumentException("a data-parallel model computes in float32, not " + dtype);
    }
    this.config = config;
    this.dtype = dtype;
    this.replicas = replicas.clone();
    this.shardThreads = replicas.length == 1 ? null : ShardThreads.pool(replicas.length);
    this.group = group == null || group.size() == 1 ? null : group;
    this.shared =
        this.group != null && dtype == DataType.FLOAT && Nd4j.getEnvironment().isCPU()
            ? this.group.share(gradientSizes())
            : null;
    if (shared != null) {
      this.replicas[0].gradientsIn(shared.gradients());
    }
  }

  private long[] gradientSizes() {
    return replicas[0].grads.values().stream().mapToLong(INDArray::length).toArray();
  }

  /**
   * Splits the optimizer step among the group's members, if they share memory ({@link
   * OptimizerShards}); null otherwise. The parameters move into the shared memory (every member
   * holds the same values: the same seed or checkpoint), and from now on {@link #train} leaves
   * summed gradients for this member's own parameters only. Every member calls it at the same
   * point, before any step.
   */
  OptimizerShards shardOptimizer() {
    if (shared == null) {
      return null;
    }
    shared.shardOptimizer();
    replicas[0].parametersIn(shared.parameters());
    List<String> names = new ArrayList<>(replicas[0].grads.keySet());
    int[] range = shared.ownedParameters();
    Set<String> owned = Set.copyOf(names.subList(range[0], range[1]));
    List<String> ownedInOrder = names.subList(range[0], range[1]);
    return new OptimizerShards() {
      @Override
      public ByteBuffer moments() {
        return shared.moments();
      }

      @Override
      public Set<String> owned() {
        return owned;
      }

      @Override
      public double clipGlobalNorm(Map<String, INDArray> grads, double maxNorm) {
        double[] squares = new double[ownedInOrder.size()];
        List<INDArray> mine = new ArrayList<>();
        for (int i = 0; i < squares.length; i++) {
          INDArray g = grads.get(ownedInOrder.get(i));
          squares[i] = GradClip.sumOfSquares(g);
          mine.add(g);
        }
        return GradClip.clipTo(mine, Math.sqrt(shared.sumOfSquares(squares)), maxNorm);
      }

      @Override
      public void stepped() {
        shared.stepped();
      }
    };
  }

  /** How many shards a batch of enough windows is cut into. */
  int count() {
    return replicas.length;
  }

  /** The first replica: its gradients hold the sum after {@link #train}. */
  KernelReplica first() {
    return replicas[0];
  }

  /**
   * Mean loss of the batch over all shards; leaves the summed gradients in {@link #first()}'s. With
   * {@code dropout}, each shard draws the masks of its windows from {@code seed}.
   */
  double train(int[] x, int[] y, boolean dropout, long seed) {
    if (group != null) {
      return trainInGroup(x, y, dropout, seed);
    }
    int[] bounds = bounds(x.length);
    if (bounds.length == 2) {
      return replicas[0].train(x, y, dropout ? new KernelReplica.Masks(seed, 0) : null);
    }
    double[] losses = trainShards(x, y, bounds, dropout, seed);
    double[] weights = weights(bounds);
    sumGradients(weights, bounds.length - 1);
    return weighted(losses, weights);
  }

  /** Forward and backward of each shard of {@code bounds} on its replica; the shards' losses. */
  private double[] trainShards(int[] x, int[] y, int[] bounds, boolean dropout, long seed) {
    int t = config.blockSize();
    return onShards(
        bounds,
        s ->
            replicas[s].train(
                part(x, bounds, s),
                part(y, bounds, s),
                dropout ? new KernelReplica.Masks(seed, bounds[s] / t) : null));
  }

  /**
   * {@link #train} as a member of the group: this member's shards of its part of the batch, their
   * weighted gradients summed here and then across the group, the loss likewise.
   */
  private double trainInGroup(int[] x, int[] y, boolean dropout, long seed) {
    int[] bounds = memberBounds(x.length);
    int k = bounds.length - 1;
    if (shared != null) {
      shared.acquire(); // the peers have read the last step's gradients
    }
    double[] losses = trainShards(x, y, bounds, dropout, seed);
    double[] weights = weights(bounds, x.length);
    if (shared != null) {
      if (k > 1) {
        sumGradients(weights, k);
      }
      // one shard is weighted in the sum itself; k shards were weighted as they were summed
      return shared.sum(k == 1 ? (float) weights[0] : 1f, weighted(losses, weights));
    }
    for (KernelReplica r : replicas) {
      // the sums below read and write the gradients' host memory: on the CUDA backend, bring the
      // device's values over first (a no-op on the CPU)
      r.grads.values().forEach(g -> Nd4j.getAffinityManager().ensureLocation(g, Location.HOST));
    }
    if (k == 1) {
      sumAcrossGroup((float) weights[0]); // weighted as it is laid out: one pass, not two
    } else {
      sumGradients(weights, k);
      sumAcrossGroup(1f); // exact: x · 1 = x
    }
    replicas[0]
        .grads
        .values()
        .forEach(g -> Nd4j.getAffinityManager().tagLocation(g, Location.HOST));
    return sumAcrossGroup(weighted(losses, weights));
  }

  /** {@link #evaluate} as a member of the group. */
  private double evaluateInGroup(int[] x, int[] y) {
    int[] bounds = memberBounds(x.length);
    double[] losses =
        onShards(bounds, s -> replicas[s].evaluate(part(x, bounds, s), part(y, bounds, s)));
    return sumAcrossGroup(weighted(losses, weights(bounds, x.length)));
  }

  /**
   * Token offsets in the whole batch of {@code n} tokens where this member's shards begin, and
   * where its part ends last: its part is the shard {@code rank} of a batch cut {@link #cut} into
   * as many shards as the group has members.
   */
  int[] memberBounds(int n) {
    int[] parts = cut(n, group.size());
    int from = parts[group.rank()];
    int[] local = cut(parts[group.rank() + 1] - from, replicas.length);
    for (int s = 0; s < local.length; s++) {
      local[s] += from;
    }
    return local;
  }

  /**
   * The group's sum of every member's first-replica gradients times {@code weight}, into them, in
   * rank order. The product is {@link #sumRange}'s, {@code weight · g} in float32, a block at a
   * time in a heap array where the JIT vectorizes it.
   */
  private void sumAcrossGroup(float weight) {
    if (flat == null) {
      flat =
          ByteBuffer.allocateDirect(Math.toIntExact(Arrays.stream(gradientSizes()).sum() * 4))
              .order(ByteOrder.nativeOrder());
    }
    FloatBuffer all = flat.clear().asFloatBuffer();
    for (INDArray g : replicas[0].grads.values()) {
      FloatBuffer from = g.data().asNioFloat();
      int n = (int) g.length();
      for (int at = 0; at < n; at += block.length) {
        int len = Math.min(block.length, n - at);
        from.get(at, block, 0, len);
        for (int i = 0; i < len; i++) {
          block[i] = weight * block[i];
        }
        all.put(block, 0, len);
      }
    }
    group.sumFloats(flat);
    all.clear();
    for (INDArray g : replicas[0].grads.values()) {
      FloatBuffer into = g.data().asNioFloat();
      into.put(all.limit(all.position() + (int) g.length()));
      all.limit(all.capacity());
    }
  }

  /** The group's sum of every member's {@code loss}, in rank order from 0, as {@link #weighted}. */
  private double sumAcrossGroup(double loss) {
    double sum = 0;
    for (double[] member : group.gather(new double[] {loss})) {
      sum += member[0];
    }
    return sum;
  }

  /** Mean loss of the batch over all shards, forward passes only. */
  double evaluate(int[] x, int[] y) {
    if (group != null) {
      return evaluateInGroup(x, y);
    }
    int[] bounds = bounds(x.length);
    if (bounds.length == 2) {
      return replicas[0].evaluate(x, y);
    }
    double[] losses =
        onShards(bounds, s -> replicas[s].evaluate(part(x, bounds, s), part(y, bounds, s)));
    return weighted(losses, weights(bounds));
  }

  /**
   * Token offsets where the shards of a batch of {@code n} tokens begin, and {@code n} last: as
   * many shards as there are replicas and windows, the first ones a window larger where the windows
   * do not divide evenly.
   */
  int[] bounds(int n) {
    return cut(n, replicas.length);
  }

  /**
   * Token offsets where the {@code min(shards, windows)} shards of {@code n} tokens begin, and
   * {@code n} last, the first ones a window larger where the windows do not divide evenly.
   */
  private int[] cut(int n, int shards) {
    int windows = n / config.blockSize();
    int k = Math.min(shards, windows);
    int[] bounds = new int[k + 1];
    for (int s = 0; s < k; s++) {
      int w = windows / k + (s < windows % k ? 1 : 0);
      bounds[s + 1] = bounds[s] + w * config.blockSize();
    }
    return bounds;
  }

  private static int[] part(int[] a, int[] bounds, int s) {
    return Arrays.copyOfRange(a, bounds[s], bounds[s + 1]);
  }

  /** Each shard's share of the batch's tokens: the weight of its mean loss and gradient. */
  private static double[] weights(int[] bounds) {
    return weights(bounds, bounds[bounds.length - 1]);
  }

  /** Each shard's share of a batch of {@code n} tokens. */
  private static double[] weights(int[] bounds, int n) {
    double[] w = new double[bounds.length - 1];
    for (int s = 0; s < w.length; s++) {
      w[s] = (double) (bounds[s + 1] - bounds[s]) / n;
    }
    return w;
  }

  private static double weighted(double[] values, double[] weights) {
    double sum = 0;
    for (int s = 0; s < values.length; s++) {
      sum += weights[s] * values[s];
    }
    return sum;
  }

  /** Runs {@code task} for every shard of {@code bounds} on the shard threads; their results. */
  private double[] onShards(int[] bounds, IntToDouble task) {
    int k = bounds.length - 1;
    if (k == 1) {
      return new double[] {task.apply(0)};
    }
    List<Future<Double>> running = new ArrayList<>(k);
    for (int s = 0; s < k; s++) {
      int shard = s;
      running.add(shardThreads.submit(() -> task.apply(shard)));
    }
    return join(running);
  }

  /**
   * Makes the first replica's gradients the weighted sum of the first {@code k} replicas'. Each
   * shard thread takes the same share of every gradient, and sums it element by element in a fixed
   * order, so the result does not depend on the scheduling. The loop reads the arrays' native
   * buffers: one ND4J op per slice cost ~1 ms a step at config (a), 5% of it.
   */
  private void sumGradients(double[] weights, int k) {
    int tasks = replicas.length;
    List<Future<Double>> running = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      int share = i;
      running.add(
          shardThreads.submit(
              () -> {
                for (Map.Entry<String, INDArray> g : replicas[0].grads.entrySet()) {
                  String name = g.getKey();
                  long length = g.getValue().length();
                  int from = Math.toIntExact(length * share / tasks);
                  int to = Math.toIntExact(length * (share + 1) / tasks);
                  sumRange(name, weights, k, from, to);
                }
                return 0.0;
              }));
    }
    join(running);
  }

  /** Elements {@code [from, to)} of gradient {@code name}: replica 0's ← Σ weight · replica's. */
  private void sumRange(String name, double[] weights, int k, int from, int to) {
    if (dtype == DataType.FLOAT) {
      FloatBuffer[] g = new FloatBuffer[k];
      float[] w = new float[k];
      for (int s = 0; s < k; s++) {
        g[s] = replicas[s].grads.get(name).data().asNioFloat();
        w[s] = (float) weights[s];
      }
      for (int j = from; j < to; j++) {
        float sum = w[0] * g[0].get(j);
        for (int s = 1; s < k; s++) {
          sum += w[s] * g[s].get(j);
        }
        g[0].put(j, sum);
      }
    } else {
      DoubleBuffer[] g = new DoubleBuffer[k];
      for (int s = 0; s < k; s++) {
        g[s] = replicas[s].grads.get(name).data().asNioDouble();
      }
      for (int j = from; j < to; j++) {
        double sum = weights[0] * g[0].get(j);
        for (int s = 1; s < k; s++) {
          sum += weights[s] * g[s].get(j);
        }
        g[0].put(j, sum);
      }
    }
  }

  /**
   * Waits for every task, then returns their results in order or throws the first failure as it was
   * thrown: no shard is still running when this returns.
   */
  private static double[] join(List<Future<Double>> running) {
    double[] results = new double[running.size()];
    Throwable failed = null;
    boolean interrupted = false;
    for (int s = 0; s < running.size(); s++) {
      while (true) {
        try {
          results[s] = running.get(s).get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // finish waiting: the shards write this model's buffers
        } catch (ExecutionException e) {
          failed = failed == null ? e.getCause() : failed;
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failed instanceof RuntimeException r) {
      throw r;
    }
    if (failed instanceof Error err) {
      throw err;
    }
    if (failed != null) {
      throw new IllegalStateException("a shard of the batch failed", failed);
    }
    return results;
  }

  /** A shard's work, by shard index. */
  @FunctionalInterface
  private interface IntToDouble {
    double apply(int shard);
  }
}
