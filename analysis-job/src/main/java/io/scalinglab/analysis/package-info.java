/**
 * The analysis job: scaling-law fits of a sweep's losses, the exponents Havrilla & Liao's theory
 * predicts from the intrinsic dimension, figures and a self-contained HTML report.
 *
 * <p>Pure math lives in {@link io.scalinglab.analysis.fit} and {@link
 * io.scalinglab.analysis.theory} (arrays in, records out, no Spark or I/O); {@link
 * io.scalinglab.analysis.table} reads tables, {@link io.scalinglab.analysis.report} draws and
 * writes, and {@link io.scalinglab.analysis.job} reads a sweep from the store and puts it together.
 * {@link io.scalinglab.analysis.AnalysisMain} is the job's spark-submit entry point.
 */
package io.scalinglab.analysis;
