/**
 * One training run, start to finish: what it is ({@link io.scalinglab.trainer.train.RunSpec}, its
 * id and resolved settings), the loop that trains it ({@link
 * io.scalinglab.trainer.train.TrainLoop}: micro-batches, clipping, AdamW at the scheduled rate,
 * evaluation, checkpoints, the stop rule) driven by {@link io.scalinglab.trainer.train.Trainer} for
 * a GPT on a prepared corpus and by {@link io.scalinglab.trainer.train.RegressionTrainer} for the
 * theory testbed's regressor; what it reports ({@link io.scalinglab.trainer.train.RunResult}, the
 * regime of its validation history in {@link io.scalinglab.trainer.train.Regime}, the FLOP estimate
 * behind MFU in {@link io.scalinglab.trainer.train.Flops}); and what it leaves for the other jobs
 * (every asked layer's activations, {@link io.scalinglab.trainer.train.ActivationCollector}; a
 * checkpoint's loss on a split, {@link io.scalinglab.trainer.train.CheckpointEval}). The data it
 * reads lives in {@code trainer.data}, the optimizer in {@code trainer.optim}, checkpoints in
 * {@code trainer.checkpoint}. Each piece copies the semantics of nanoGPT's {@code train.py} or of
 * the PyTorch function it calls, cited where it does.
 */
package io.scalinglab.trainer.train;
