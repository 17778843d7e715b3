/**
 * Spark session setup: defaults that suit one machine, every one of them overridable by the
 * config's {@code spark.conf} block or by {@code spark-submit --conf}.
 */
package io.scalinglab.core.spark;
