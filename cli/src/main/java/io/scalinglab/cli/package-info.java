/**
 * The command line behind {@code bin/scalinglab}: one subcommand per job, the demo that runs the
 * jobs end to end in one JVM, and the benchmarks.
 */
package io.scalinglab.cli;
