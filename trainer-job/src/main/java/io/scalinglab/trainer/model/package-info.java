/**
 * The GPT-2 model as nanoGPT defines it, behind {@link io.scalinglab.trainer.model.LanguageModel}
 * in two engines that compute the same function with the same parameters: a SameDiff graph ({@link
 * io.scalinglab.trainer.model.Gpt}) and a hand-written forward and backward pass on ND4J arrays
 * ({@link io.scalinglab.trainer.model.GptKernel}, faster on CPU, whose {@code KernelReplica} is the
 * file to read as the model's specification; {@code KernelShards} spreads a batch over threads and
 * {@code KernelBuffers} holds its arrays); its configuration and parameter counts; the dropout
 * masks both draw from one seed ({@link io.scalinglab.trainer.model.Dropout}); and the theory
 * testbed's {@link io.scalinglab.trainer.model.TokenRegressor}, an encoder on points cut into
 * tokens that shares the graph's blocks ({@link io.scalinglab.trainer.model.TransformerBlocks}).
 */
package io.scalinglab.trainer.model;
