/**
 * The analysis job: reads a sweep's results and ID tables from the results store (CSV directly,
 * Parquet through Spark), runs the analysis and writes {@code <sweep>/analysis/} back, each file
 * atomically. A thin adapter around the pure code of the other packages.
 */
package io.scalinglab.analysis.job;
