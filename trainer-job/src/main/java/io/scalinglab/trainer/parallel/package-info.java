/**
 * Data parallelism across Spark tasks: one run trained by the W tasks of a barrier stage ({@code
 * train.data-parallel}). {@link io.scalinglab.trainer.parallel.Collective} is what the model needs
 * of its peers (a sum of gradients in rank order, a gather of a few numbers); {@link
 * io.scalinglab.trainer.parallel.TcpCollective} is that over TCP between the tasks, their addresses
 * exchanged through Spark's {@code BarrierTaskContext.allGather}; {@link
 * io.scalinglab.trainer.parallel.BarrierRun} runs a run as a barrier stage and says so when the
 * cluster cannot give it W task slots.
 */
package io.scalinglab.trainer.parallel;
