package io.scalinglab.core.config;

/**
 * How the documents of a corpus are stored; see {@code dataset.source.format} in reference.conf.
 */
public enum SourceFormat implements KeyedEnum {
  /** Documents separated by a separator string (TinyStories .txt, OpenWebText dumps). */
  TEXT("text"),
  /** One JSON object per line, the document in a named field (the Hugging Face layout). */
  JSONL("jsonl"),
  /** A JSON array of objects, the document in a named field (TinyStories JSON). */
  JSON("json"),
  /** A Parquet table, the document in a named column (Hugging Face, The Stack). */
  PARQUET("parquet"),
  /** One document per line, in one column of tab-separated fields. */
  TSV("tsv"),
  /** Every file is one document (a folder of .sql or source files). */
  FILES("files"),
  /** A nanoGPT {@code train.bin}/{@code val.bin} pair, imported as prepared tokens. */
  NANOGPT_BIN("nanogpt-bin");

  private final String key;

  SourceFormat(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The format spelled {@code text} (key or Java name, any case); fails listing the formats. */
  public static SourceFormat parse(String text) {
    return KeyedEnum.parse(SourceFormat.class, text);
  }
}
