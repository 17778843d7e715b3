/**
 * The binary file formats scalinglab shares with the Python world: token shards in nanoGPT's {@code
 * train.bin} layout (little-endian uint16, no header) and NumPy {@code .npy} arrays for
 * activations. Readers and writers work on plain streams, so they serve the local file system, HDFS
 * and tests alike; the results store decides where the bytes go. Readers reject malformed input
 * with an {@link io.scalinglab.core.error.InputException} that names the input and says how to fix
 * it, and they return NaN and infinite values as they are: whether such values are an error is the
 * caller's decision (the ID job, for instance, counts and drops them).
 */
package io.scalinglab.core.format;
