/**
 * The pieces of one training run that are not the model: the optimizer settings ({@link
 * io.scalinglab.trainer.train.OptimConfig}), nanoGPT's warm-up-then-cosine learning rate ({@link
 * io.scalinglab.trainer.train.LrSchedule}), AdamW with decoupled weight decay on matrices only
 * ({@link io.scalinglab.trainer.train.AdamW}), global-norm gradient clipping ({@link
 * io.scalinglab.trainer.train.GradClip}), seeded random token windows ({@link
 * io.scalinglab.trainer.train.TokenWindows}) over a split's tokens in the heap or memory-mapped
 * from local copies of its shards ({@link io.scalinglab.trainer.train.TokenSource}, {@link
 * io.scalinglab.trainer.train.TokenCache}), the FLOP estimate behind MFU ({@link
 * io.scalinglab.trainer.train.Flops}), atomic checkpoints in the results store ({@link
 * io.scalinglab.trainer.train.Checkpoints}), the regime of a run's validation history that both
 * {@code train.stop = converged} and result.json read ({@link io.scalinglab.trainer.train.Regime})
 * and the collection of every asked layer's activations for the ID job ({@link
 * io.scalinglab.trainer.train.ActivationCollector}). Each copies the semantics of nanoGPT's {@code
 * train.py} or of the PyTorch function it calls, cited where it does, so a run here and a nanoGPT
 * run follow the same recipe; the training loop composes them.
 */
package io.scalinglab.trainer.train;
