/**
 * The prepare stage: Spark reads a corpus, tokenizes it in parallel and writes nanoGPT-layout token
 * shards plus a manifest into the results store. The split into train and validation and the order
 * of training documents follow from a seeded hash of each document's text, so they do not depend on
 * file order or on how Spark partitions the input ({@code dataset.val-documents} only adds the
 * documents of smallest hash to validation); data-size subsets are prefixes of that order and
 * therefore nested.
 */
package io.scalinglab.trainer.prepare;
