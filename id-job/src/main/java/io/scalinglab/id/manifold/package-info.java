/**
 * Data of known intrinsic dimension, generated in Java and seeded: spheres, balls and the swiss
 * roll under random rotations ({@link io.scalinglab.id.manifold.Manifolds}) and Hein and Audibert's
 * benchmark manifolds M1…M13 as scikit-dimension defines them ({@link
 * io.scalinglab.id.manifold.BenchmarkManifolds}). The validation table and the estimators' tests
 * run on them. {@link io.scalinglab.id.manifold.EmbeddedManifold} fixes one random embedding of a
 * sphere, flat torus or Fourier-feature cube and draws any number of points from it: the inputs of
 * the theory testbed (trainer-job's {@code testbed} package), which lives there so that the data
 * whose dimension the estimators are checked on and the data the testbed trains on are one code.
 */
package io.scalinglab.id.manifold;
