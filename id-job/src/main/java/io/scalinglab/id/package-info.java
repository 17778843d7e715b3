/**
 * The id job: intrinsic-dimension estimators, exact kNN, the sampling protocols and the Spark job
 * over a sweep's activations, with {@link io.scalinglab.id.IdMain}, its spark-submit entry point.
 */
package io.scalinglab.id;
