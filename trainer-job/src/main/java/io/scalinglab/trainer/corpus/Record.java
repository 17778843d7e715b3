package io.scalinglab.trainer.corpus;

import java.io.Serializable;

/**
 * The result of parsing one corpus record: a {@link Document} to tokenize or a {@link Skipped} that
 * says why there is none. Serializable so Spark can move results between stages.
 */
public sealed interface Record extends Serializable permits Document, Skipped {}
