/**
 * Data of known intrinsic dimension, generated in Java and seeded: spheres, balls and the swiss
 * roll under random rotations ({@link io.scalinglab.id.manifold.Manifolds}) and Hein and Audibert's
 * benchmark manifolds M1…M13 as scikit-dimension defines them ({@link
 * io.scalinglab.id.manifold.BenchmarkManifolds}). The validation table and the estimators' tests
 * run on them.
 */
package io.scalinglab.id.manifold;
