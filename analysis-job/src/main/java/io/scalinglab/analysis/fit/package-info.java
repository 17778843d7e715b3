/**
 * Scaling-law fits: pure Java on arrays, no Spark types and no I/O.
 *
 * <p>Three forms ({@link io.scalinglab.analysis.fit.FitForm}): the power law L = C·x^(−α) by least
 * squares in log-log space; the power law with an irreducible term L = E + B·x^(−α); and the joint
 * law of Hoffmann et al. (2022, "Chinchilla", approach 3) L(N, D) = E + A/N^α + B/D^β. The last two
 * are fitted as Besiroglu et al. (2024, Epoch AI, "Chinchilla scaling: a replication attempt")
 * corrected approach 3: the Huber loss (δ = 10⁻³) of log-loss residuals, the prediction written as
 * a log-sum-exp of the terms, summed over points, minimised by L-BFGS ({@link
 * io.scalinglab.analysis.fit.Lbfgs}) from a grid of starting points. A power law's intervals are
 * Student t ({@link io.scalinglab.analysis.fit.LineInference}, exact under Gaussian noise in log
 * space) or, on request, the percentile bootstrap over points; the offset and Chinchilla forms get
 * a seeded parametric bootstrap ({@link io.scalinglab.analysis.fit.Intervals} names the method of
 * each fit). {@code IntervalCalibrationTest} checks the coverage of each. On request a fit also
 * carries an out-of-sample check on its largest points. A fit that does not converge is a {@link
 * io.scalinglab.analysis.fit.Fit.Failed} result, not an exception.
 */
package io.scalinglab.analysis.fit;
