/**
 * The optimizer of a run, as nanoGPT's {@code train.py} sets it up: its settings ({@link
 * io.scalinglab.trainer.optim.OptimConfig}), the warm-up-then-cosine learning rate ({@link
 * io.scalinglab.trainer.optim.LrSchedule}), PyTorch's AdamW with decoupled weight decay on matrices
 * only ({@link io.scalinglab.trainer.optim.AdamW}) and global-norm gradient clipping ({@link
 * io.scalinglab.trainer.optim.GradClip}).
 */
package io.scalinglab.trainer.optim;
