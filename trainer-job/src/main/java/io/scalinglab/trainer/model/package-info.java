/**
 * The GPT-2 model as nanoGPT defines it, built as a SameDiff graph: its configuration, parameter
 * counts and the forward and backward pass of one batch; and the theory testbed's {@link
 * io.scalinglab.trainer.model.TokenRegressor}, an encoder on points cut into tokens that shares the
 * GPT's blocks ({@link io.scalinglab.trainer.model.TransformerBlocks}).
 */
package io.scalinglab.trainer.model;
