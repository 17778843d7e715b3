/**
 * A run's checkpoints in the results store: parameters and AdamW's moments as {@code .npy}, with a
 * {@code state.json} of counters, provenance and the numerics that computed them, committed with
 * one rename ({@link io.scalinglab.trainer.checkpoint.Checkpoints}); and the numerics a resume must
 * match ({@link io.scalinglab.trainer.checkpoint.Numerics}).
 */
package io.scalinglab.trainer.checkpoint;
