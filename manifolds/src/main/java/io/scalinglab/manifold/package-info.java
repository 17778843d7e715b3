/**
 * Data of known intrinsic dimension, generated in Java and seeded: spheres, balls and the swiss
 * roll under random rotations ({@link io.scalinglab.manifold.Manifolds}) and Hein and Audibert's
 * benchmark manifolds M1…M13 as scikit-dimension defines them ({@link
 * io.scalinglab.manifold.BenchmarkManifolds}). The validation table and the estimators' tests run
 * on them. {@link io.scalinglab.manifold.EmbeddedManifold} fixes one random embedding of a sphere,
 * flat torus or Fourier-feature cube and draws any number of points from it: the inputs of the
 * theory testbed (trainer-job's {@code testbed} package). {@link io.scalinglab.manifold.SphereRows}
 * generates sphere points row by row where they are needed, as {@code bench id --master} does on
 * the executors. A module of its own, with no dependencies, so that the data whose dimension the id
 * job's estimators are checked on and the data the testbed trains on are one code, and neither job
 * depends on the other.
 */
package io.scalinglab.manifold;
