package io.scalinglab.trainer.prepare;

import io.scalinglab.core.config.SourceConfig;
import io.scalinglab.core.config.SourceFormat;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.trainer.corpus.Record;
import io.scalinglab.trainer.corpus.RecordParsers;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Reads a corpus into an RDD of parsed records, one Spark adapter per source format. Parsing itself
 * is {@link RecordParsers}; this class only finds the files, splits them for Spark and turns read
 * failures into messages that name the file.
 */
final class CorpusSource {
  private static final String DAMAGED_PARQUET_FIX =
      "check that a Parquet reader opens them (e.g. pyarrow.parquet.read_table) and copy or write"
          + " them again";

  private CorpusSource() {}

  /**
   * The files a source resolved to, with their sizes and modification times (milliseconds since the
   * epoch, as the file system reports them; same order) and total size.
   */
  record InputFiles(List<String> files, List<Long> sizes, List<Long> modified, long bytes)
      implements Serializable {
    long sizeOf(String file) {
      int i = files.indexOf(file);
      return i < 0 ? -1 : sizes.get(i);
    }
  }

  /**
   * Expands the configured paths (files, folders, globs) into files, failing fast when a path
   * matches nothing or every file is empty. Hidden files ({@code _*}, {@code .*}) in folders are
   * skipped, as Hadoop's input formats do.
   */
  static InputFiles expand(SourceConfig source, Configuration conf) {
    if (source.paths().isEmpty()) {
      throw new InputException(
          "dataset.source.paths is empty: nothing to read. Set it in the dataset file or with"
              + " --set dataset.source.paths=[\"hdfs:///path/to/corpus\"]");
    }
    java.util.TreeMap<String, Long> files = new java.util.TreeMap<>();
    java.util.Map<String, Long> modified = new java.util.HashMap<>();
    long bytes = 0;
    for (String p : source.paths()) {
      Path path = new Path(p);
      FileStatus[] matches;
      try {
        FileSystem fs = path.getFileSystem(conf);
        matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw InputException.of(
              p,
              "no such file or folder (dataset.source.paths)",
              "Check the path; for HDFS give the full URI, e.g. hdfs://namenode:8020/corpus");
        }
        for (FileStatus m : matches) {
          if (m.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
            while (it.hasNext()) {
              LocatedFileStatus f = it.next();
              if (!isHidden(f.getPath()) && files.put(f.getPath().toString(), f.getLen()) == null) {
                bytes += f.getLen();
                modified.put(f.getPath().toString(), f.getModificationTime());
              }
            }
          } else if (files.put(m.getPath().toString(), m.getLen()) == null) {
            bytes += m.getLen();
            modified.put(m.getPath().toString(), m.getModificationTime());
          }
        }
      } catch (IOException e) {
        throw InputException.of(
            p,
            "cannot be listed: " + e.getMessage(),
            "Check the path and its permissions; give a full URI (hdfs://namenode:8020/...) or a"
                + " local path with --set 'dataset.source.paths=[\"...\"]'",
            e);
      }
    }
    if (files.isEmpty()) {
      throw InputException.of(
          String.join(", ", source.paths()),
          "the folders hold no files (dataset.source.paths)",
          "Point dataset.source.paths at the corpus files");
    }
    if (bytes == 0) {
      throw InputException.of(
          String.join(", ", source.paths()),
          "every input file is empty (" + files.size() + " files, 0 bytes)",
          "Point dataset.source.paths at a non-empty corpus");
    }
    return new InputFiles(
        List.copyOf(files.keySet()),
        List.copyOf(files.values()),
        files.keySet().stream().map(modified::get).toList(),
        bytes);
  }

  private static boolean isHidden(Path p) {
    String name = p.getName();
    return name.startsWith("_") || name.startsWith(".");
  }

  /**
   * Reads the files as records of the source's format.
   *
   * @param minPartitions lower bound on the number of input partitions, so a single large file is
   *     still tokenized on every core
   */
  static JavaRDD<Record> read(
      SparkSession spark, SourceConfig source, InputFiles input, int minPartitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SourceFormat format = source.format();
    String field = source.textField();
    String filterField = source.filterField().isEmpty() ? null : source.filterField();
    Set<String> filterValues = new HashSet<>(source.filterValues());
    return switch (format) {
      case TEXT ->
          lines(
              sc,
              input,
              minPartitions,
              source.separator(),
              true,
              (b, off, len) -> RecordParsers.separated(b, off, len));
      case JSONL ->
          lines(
              sc,
              input,
              minPartitions,
              null,
              false,
              (b, off, len) ->
                  RecordParsers.jsonLine(b, off, len, field, filterField, filterValues)
                      .orElse(null));
      case TSV -> {
        int column = source.tsvColumn();
        yield lines(
            sc,
            input,
            minPartitions,
            null,
            false,
            (b, off, len) -> RecordParsers.tsvLine(b, off, len, column).orElse(null));
      }
      case FILES ->
          sc.binaryFiles(String.join(",", input.files()), minPartitions)
              .map(f -> RecordParsers.wholeFile(f._2().toArray()));
      case JSON ->
          sc.binaryFiles(String.join(",", input.files()), minPartitions)
              .flatMap(
                  f -> {
                    List<Record> out = new ArrayList<>();
                    try (InputStream in = f._2().open()) {
                      RecordParsers.jsonArray(
                          in, f._1(), field, filterField, filterValues, out::add);
                    }
                    return out.iterator();
                  });
      case PARQUET -> parquet(spark, source, input);
      case NANOGPT_BIN ->
          throw new IllegalArgumentException(
              "nanogpt-bin is imported by NanoGptImport, not read as records");
    };
  }

  /** A parser of one delimited record's bytes; null for a line that is no record (blank). */
  @FunctionalInterface
  interface BytesParser extends Serializable {
    Record parse(byte[] bytes, int off, int len);
  }

  private static JavaRDD<Record> lines(
      JavaSparkContext sc,
      InputFiles input,
      int minPartitions,
      String delimiter,
      boolean dropBlankTail,
      BytesParser parser) {
    Job job;
    try {
      job = Job.getInstance(sc.hadoopConfiguration());
    } catch (IOException e) {
      throw new ScalinglabException("cannot set up the Hadoop input job: " + e.getMessage(), e);
    }
    Configuration conf = job.getConfiguration();
    if (delimiter != null) {
      conf.set("textinputformat.record.delimiter", delimiter);
    }
    long maxSplit = Math.max(1L << 20, input.bytes() / Math.max(1, minPartitions));
    conf.setLong(FileInputFormat.SPLIT_MAXSIZE, maxSplit);
    Path[] paths = input.files().stream().map(Path::new).toArray(Path[]::new);
    try {
      FileInputFormat.setInputPaths(job, paths);
    } catch (IOException e) {
      throw new ScalinglabException("cannot set input paths: " + e.getMessage(), e);
    }
    JavaNewHadoopRDD<LongWritable, Text> raw =
        (JavaNewHadoopRDD<LongWritable, Text>)
            sc.newAPIHadoopRDD(conf, TextInputFormat.class, LongWritable.class, Text.class);
    return raw.mapPartitionsWithInputSplit(
        (split, it) -> new ParsingIterator(split, it, parser, dropBlankTail, input), false);
  }

  private static JavaRDD<Record> parquet(
      SparkSession spark, SourceConfig source, InputFiles input) {
    Dataset<Row> table;
    try {
      table = spark.read().parquet(input.files().toArray(String[]::new));
    } catch (Exception e) { // SparkException is checked but escapes Spark's Java API undeclared
      throw InputException.of(
          String.join(", ", source.paths()),
          "cannot be read as Parquet: " + rootMessage(e),
          "If the files are not Parquet, set dataset.source.format (jsonl for JSON lines, text for"
              + " separated text); if they are, they are damaged or cut short: "
              + DAMAGED_PARQUET_FIX,
          e);
    }
    List<String> columns = Arrays.asList(table.columns());
    String field = source.textField();
    String filterField = source.filterField().isEmpty() ? null : source.filterField();
    requireColumn(source, columns, field, "dataset.source.text-field");
    Set<String> filterValues = new HashSet<>(source.filterValues());
    String paths = String.join(", ", source.paths());
    if (filterField == null) {
      return table
          .select(field)
          .javaRDD()
          .mapPartitions(rows -> new ParquetRows(rows, paths))
          .map(r -> RecordParsers.value(r.get(0), null, filterValues, filterField));
    }
    requireColumn(source, columns, filterField, "dataset.source.filter.field");
    return table
        .select(field, filterField)
        .javaRDD()
        .mapPartitions(rows -> new ParquetRows(rows, paths))
        .map(r -> RecordParsers.value(r.get(0), r.get(1), filterValues, filterField));
  }

  /**
   * The rows of a Parquet scan, where a damaged file (a cut footer, a page header that does not
   * parse) becomes an {@link InputException} naming the file, instead of Spark's bare failure.
   */
  private static final class ParquetRows implements Iterator<Row> {
    private static final java.util.regex.Pattern FILE =
        java.util.regex.Pattern.compile("reading file (\\S+?)\\.? Details");
    private final Iterator<Row> rows;
    private final String paths;

    ParquetRows(Iterator<Row> rows, String paths) {
      this.rows = rows;
      this.paths = paths;
    }

    @Override
    public boolean hasNext() {
      try {
        return rows.hasNext();
      } catch (Exception e) { // checked IOExceptions escape Scala iterators undeclared
        throw failure(e);
      }
    }

    @Override
    public Row next() {
      try {
        return rows.next();
      } catch (NoSuchElementException e) {
        throw e;
      } catch (Exception e) {
        throw failure(e);
      }
    }

    private RuntimeException failure(Exception e) {
      if (e instanceof ScalinglabException se) {
        return se;
      }
      String file = paths;
      for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
        java.util.regex.Matcher m = FILE.matcher(String.valueOf(t.getMessage()));
        if (m.find()) {
          file = m.group(1);
          break;
        }
      }
      return InputException.of(
          file,
          "could not be read as Parquet: " + rootMessage(e),
          "The file is damaged or cut short: " + DAMAGED_PARQUET_FIX.replace("them", "it"),
          e);
    }
  }

  private static void requireColumn(
      SourceConfig source, List<String> columns, String column, String key) {
    if (!columns.contains(column)) {
      throw InputException.of(
          String.join(", ", source.paths()),
          "has no column '" + column + "' (" + key + "); its columns are " + columns,
          "Set " + key + " to one of them");
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }

  /**
   * Parses the records of one input split. A read failure (truncated gzip, a file removed mid-read)
   * becomes an {@link InputException} naming the file. With {@code dropBlankTail}, a
   * whitespace-only record at the very end of a file is not a record at all: a text file that ends
   * with a separator and a newline has no empty document after it.
   */
  private static final class ParsingIterator implements Iterator<Record> {
    private final Iterator<Tuple2<LongWritable, Text>> in;
    private final BytesParser parser;
    private final boolean dropBlankTail;
    private final String file;
    private final boolean lastSplitOfFile;
    private Record next;

    ParsingIterator(
        InputSplit split,
        Iterator<Tuple2<LongWritable, Text>> in,
        BytesParser parser,
        boolean dropBlankTail,
        InputFiles input) {
      this.in = in;
      this.parser = parser;
      this.dropBlankTail = dropBlankTail;
      FileSplit fs = (FileSplit) split;
      this.file = fs.getPath().toString();
      // Compressed files are never split: their one split spans the whole file.
      long len = input.sizeOf(file);
      this.lastSplitOfFile = len < 0 || fs.getStart() + fs.getLength() >= len;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        Tuple2<LongWritable, Text> t;
        try {
          if (!in.hasNext()) {
            return false;
          }
          t = in.next();
        } catch (ScalinglabException e) {
          throw e;
        } catch (RuntimeException e) {
          throw readFailure(e);
        } catch (Exception e) { // checked IOExceptions escape Scala iterators undeclared
          throw readFailure(e);
        }
        Text text = t._2();
        byte[] bytes = text.getBytes();
        int len = text.getLength();
        if (dropBlankTail && lastSplitOfFile && isBlank(bytes, len) && !hasMore()) {
          return false;
        }
        next = parser.parse(bytes, 0, len);
      }
      return true;
    }

    private boolean hasMore() {
      try {
        return in.hasNext();
      } catch (RuntimeException e) {
        throw readFailure(e);
      } catch (Exception e) {
        throw readFailure(e);
      }
    }

    private InputException readFailure(Exception e) {
      return InputException.of(
          file,
          "could not be read: " + rootMessage(e),
          "If it is compressed, check that it is complete (gzip -t FILE) and copy it again",
          e);
    }

    private static boolean isBlank(byte[] b, int len) {
      for (int i = 0; i < len; i++) {
        if (!Character.isWhitespace(b[i])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Record next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Record r = next;
      next = null;
      return r;
    }
  }

  static String describe(InputFiles input, SourceFormat format) {
    return String.format(
        Locale.ROOT,
        "%d file%s, %.1f MB, format %s",
        input.files().size(),
        input.files().size() == 1 ? "" : "s",
        input.bytes() / 1e6,
        format.key());
  }
}
