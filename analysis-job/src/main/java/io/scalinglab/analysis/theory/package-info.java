/**
 * Scaling exponents predicted from the intrinsic dimension, and their comparison with fitted ones.
 *
 * <p>Havrilla & Liao (NeurIPS 2024, arXiv 2411.06646): for a β-Hölder target on data of intrinsic
 * dimension d, the squared error of a transformer falls as n^(−2β/(2β+d)) in the number of samples
 * (Theorem 1) and as N^(−2β/d) in the number of parameters (Theorem 2). If the loss behaves like
 * the root error instead, each exponent halves. Sharma & Kaplan (2020, arXiv 2004.10802) predict α
 * ≈ 4/d for the model exponent, shown beside for comparison.
 */
package io.scalinglab.analysis.theory;
