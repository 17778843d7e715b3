package io.scalinglab.trainer.parallel;

import java.nio.ByteBuffer;

/**
 * The W members (ranks 0 … W − 1) of one data-parallel run, as each member sees the others: every
 * member calls the same operations in the same order (each training step's gradient sum, each
 * evaluation's gather), and each returns the same result on every member. Sums run in rank order,
 * ((v₀ + v₁) + v₂) + …, whatever the network's timing, so a run is reproducible for a given W; with
 * one thread per member that is the order {@code KernelShards} sums W threads' shards in one JVM,
 * so W tasks of one thread compute the bits {@code train.threads = W} computes.
 *
 * <p>A member whose peer has gone (its task failed, its executor was lost) gets a {@link
 * CollectiveException} from the operation it is in, so the whole barrier stage fails and Spark
 * retries it, rather than training on with part of the gradient.
 */
public interface Collective extends AutoCloseable {
  /** This member's rank: 0 writes the run's files. */
  int rank();

  /** The number of members, W. */
  int size();

  /**
   * Replaces {@code floats} (a direct buffer of float32 in native byte order, the same length on
   * every member) with the element-wise sum over all members, in rank order.
   *
   * @throws CollectiveException if a peer is gone or sent something else
   */
  void sumFloats(ByteBuffer floats);

  /**
   * Every member's {@code values} (the same length on every member), by rank.
   *
   * @throws CollectiveException if a peer is gone or sent something else
   */
  double[][] gather(double[] values);

  /**
   * Memory for this member's gradients that every member can read, when the members share a host
   * and the transport allows it; null otherwise (then {@link #sumFloats} is the way). Every member
   * calls it at the same point with the same {@code sizes}, and all get a {@link SharedSum} or all
   * get null.
   *
   * @param sizes the floats of each parameter's gradient, in the order they lie in memory
   * @throws CollectiveException if a peer is gone or sent something else
   */
  default SharedSum share(long[] sizes) {
    return null;
  }

  /** Time and bytes spent so far, for the speed figures. */
  Stats stats();

  /** Closes the connections; a peer still waiting on this member then fails. */
  @Override
  void close();

  /**
   * What the collective has cost this member.
   *
   * @param sums gradient sums made
   * @param sumNanos wall time in them
   * @param bytesSent bytes this member sent in them (the received bytes are as many); through
   *     shared memory, the bytes it read from its peers' gradients
   * @param transport "tcp" or "shared-memory": how the gradient sums went
   */
  record Stats(long sums, long sumNanos, long bytesSent, String transport) {}

  /**
   * The gradient sum through shared memory: every member writes its gradients into its own {@link
   * #gradients} and reads the others' in place, so nothing passes through sockets but the signals
   * that say when to read. Each member sums one segment of the vector over all members in rank
   * order, then copies the other segments' sums from their owners, as the TCP sum's reduce-scatter
   * and all-gather do, and every element is the same left-to-right sum.
   */
  interface SharedSum {
    /**
     * This member's gradients: float32 in native byte order, zero to begin with, a direct buffer
     * that stays valid as long as the collective is open (a mapped file: keep the {@code SharedSum}
     * referenced while arrays read it).
     */
    ByteBuffer gradients();

    /**
     * Waits until every peer has finished reading this member's gradients of the last sum: call it
     * before writing them again.
     */
    void acquire();

    /**
     * Replaces every member's gradients with Σ over ranks, in rank order, of {@code factor_r ·
     * gradients_r} (each product rounded to float32, as the TCP sum's members weight theirs before
     * sending); returns Σ over ranks of {@code loss_r}, in rank order from 0. Once the optimizer is
     * sharded ({@link #shardOptimizer}) only the gradients of this member's own parameters hold the
     * sum.
     *
     * @throws CollectiveException if a peer is gone or out of step
     */
    double sum(float factor, double loss);

    /**
     * From now on each member clips and steps only its own parameters ({@link #ownedParameters}),
     * from its own sums: {@link #sum} leaves the other parameters' gradients as they were, every
     * member's parameters and AdamW moments live in {@link #parameters} and {@link #moments}, and
     * each step ends with {@link #stepped}. Every member calls it at the same point.
     */
    void shardOptimizer();

    /** The parameters' values, float32 end to end as the gradients lie, shared by every member. */
    ByteBuffer parameters();

    /** Memory for AdamW's two moments of every parameter (twice the gradients' floats), shared. */
    ByteBuffer moments();

    /** The parameters this member steps, by index in the order of {@code sizes}: {from, to}. */
    int[] ownedParameters();

    /**
     * The sum over every parameter, in order, of the sums of squares of its summed gradient, each
     * given by the member that owns it ({@code owned}: this member's, in order).
     *
     * @throws CollectiveException if a peer is gone or out of step
     */
    double sumOfSquares(double[] owned);

    /**
     * Waits until every member has stepped its parameters: the end of a sharded step.
     *
     * @throws CollectiveException if a peer is gone or out of step
     */
    void stepped();
  }

  /** A peer that is gone, or out of step. */
  final class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
