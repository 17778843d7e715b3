/**
 * What the analysis shows: figures drawn with XChart on logarithmic axes and written as PNG and SVG
 * (through Batik's SVG generator), the tables as CSV and JSON, and one self-contained {@code
 * report.html} with the figures embedded. Everything renders headless.
 */
package io.scalinglab.analysis.report;
