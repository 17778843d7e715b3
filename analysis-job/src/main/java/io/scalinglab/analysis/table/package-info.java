/**
 * Tables read from CSV (a sweep's results, ID estimates, any published scaling data) with the
 * checks a fit needs: every error names the file, the column, the row and what to do.
 */
package io.scalinglab.analysis.table;
