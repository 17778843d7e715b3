package io.scalinglab.core.config;

/**
 * How the tasks of a data-parallel run ({@code train.data-parallel} &gt; 1) exchange their
 * gradients; see {@code train.data-parallel-transport} in reference.conf. Both compute the same
 * bits: only the speed differs.
 */
public enum DataParallelTransport implements KeyedEnum {
  /**
   * Shared memory when every task runs on one host (the gradients written where every task reads
   * them, as NCCL and MPI do within a node), TCP otherwise.
   */
  AUTO("auto"),
  /** TCP between every pair of tasks, wherever they run. */
  TCP("tcp");

  private final String key;

  DataParallelTransport(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }
}
