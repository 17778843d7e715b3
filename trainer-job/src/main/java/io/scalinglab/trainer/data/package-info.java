/**
 * What a run trains and evaluates on: a prepared split's shards in the heap or memory-mapped from
 * local copies ({@link io.scalinglab.trainer.data.ShardData}, {@link
 * io.scalinglab.trainer.data.TokenSource}, {@link io.scalinglab.trainer.data.TokenCache}),
 * nanoGPT's seeded random windows over them ({@link io.scalinglab.trainer.data.TokenWindows}: every
 * batch a function of seed and step, so a resumed run sees the batches it would have seen), and the
 * testbed's seeded sample batches ({@link io.scalinglab.trainer.data.SampleBatches}).
 */
package io.scalinglab.trainer.data;
