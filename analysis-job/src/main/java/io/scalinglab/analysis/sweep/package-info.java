/**
 * A sweep's results and ID estimates as records, and the analysis of them: which runs enter, which
 * fits are made along each sweep axis, which ID estimate stands for a dataset, and the comparison
 * of fitted with predicted exponents. Pure: tables in, records out.
 */
package io.scalinglab.analysis.sweep;
