package io.scalinglab.analysis.sweep;

/** A run left out of the fits, and why (not {@code done}, or no usable loss or size). */
public record Excluded(String runId, String dataset, String status, String reason) {}
