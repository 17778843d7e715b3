/**
 * Parsing of single corpus records into documents: the text between separators, one JSON or TSV
 * line, one whole file, one Parquet value, or the elements of one JSON array file. Each parser
 * takes the bytes or value of one record and returns a {@link io.scalinglab.trainer.corpus.Record}:
 * a {@link io.scalinglab.trainer.corpus.Document} or a {@link io.scalinglab.trainer.corpus.Skipped}
 * that says why the record holds no usable text. A corrupt record never throws, so one bad line
 * cannot fail a Spark job over a multi-gigabyte corpus; only a file whose whole layout is wrong (a
 * JSON file that is not an array) throws an {@link io.scalinglab.core.error.InputException}.
 * Nothing here knows of Spark or Hadoop, so the same code serves the prepare stage, the
 * single-threaded benchmark and the tests.
 */
package io.scalinglab.trainer.corpus;
