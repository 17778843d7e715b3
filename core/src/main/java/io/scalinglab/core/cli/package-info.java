/**
 * Command-line parsing shared by {@code bin/scalinglab} and the jobs' {@code spark-submit} entry
 * points: flags, config files and {@code --set} overrides.
 */
package io.scalinglab.core.cli;
