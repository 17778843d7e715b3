package io.scalinglab.trainer.prepare;

import java.io.Serializable;

/**
 * One written token shard: its path relative to the dataset folder, its size and checksum, and the
 * documents it holds.
 */
record ShardEntry(int index, String file, long tokens, long bytes, String sha256, long documents)
    implements Serializable {}
