/**
 * The theory testbed: transformers trained to regress a β-Hölder function of points on a manifold
 * of known intrinsic dimension d, so that the exponents Havrilla and Liao predict from d can be
 * checked where d is known. {@link io.scalinglab.trainer.testbed.TestbedProblem} draws a problem
 * (id-job's {@link io.scalinglab.manifold.EmbeddedManifold} and a {@link
 * io.scalinglab.trainer.testbed.HolderTarget}) from the {@code testbed} config section; the runs
 * and sweeps that train on it land in the store as corpus runs do.
 */
package io.scalinglab.trainer.testbed;
