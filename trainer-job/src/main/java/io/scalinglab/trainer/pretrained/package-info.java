/**
 * Pretrained weights from outside scalinglab: a reader of the {@code .safetensors} format ({@link
 * io.scalinglab.trainer.pretrained.Safetensors}) and the mapping of Hugging Face GPT-2 tensors onto
 * scalinglab's parameters ({@link io.scalinglab.trainer.pretrained.Gpt2Weights}), which {@code
 * model.init-from} uses to start a run from a GPT-2 checkpoint.
 */
package io.scalinglab.trainer.pretrained;
