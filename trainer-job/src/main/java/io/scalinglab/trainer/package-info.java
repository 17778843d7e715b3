/**
 * The trainer job: corpus readers and tokenizers, the prepare stage, the GPT model, training and
 * sweeps, and {@link io.scalinglab.trainer.TrainerMain}, its spark-submit entry point.
 */
package io.scalinglab.trainer;
