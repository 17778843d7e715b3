/**
 * The GPT-2 model as nanoGPT defines it, built as a SameDiff graph: its configuration, parameter
 * counts and the forward and backward pass of one batch.
 */
package io.scalinglab.trainer.model;
