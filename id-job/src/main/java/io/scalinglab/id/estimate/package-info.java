/**
 * Intrinsic-dimension estimators as pure functions of neighbour distances or coordinates: the
 * Levina–Bickel maximum-likelihood estimator ({@link io.scalinglab.id.estimate.Mle}), Facco et
 * al.'s TwoNN ({@link io.scalinglab.id.estimate.TwoNn}), the participation ratio ({@link
 * io.scalinglab.id.estimate.ParticipationRatio}) and percentile bootstrap intervals ({@link
 * io.scalinglab.id.estimate.Bootstrap}). No Spark or Hadoop types and no I/O: arrays in, records
 * out. The formulas follow ../shared/PAPER.md and scikit-dimension 0.3, which the tests check
 * against to 1e-9.
 */
package io.scalinglab.id.estimate;
