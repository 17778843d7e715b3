package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results store: a folder tree on any Hadoop file system that all jobs share, laid out as
 *
 * <pre>
 * &lt;root&gt;/data/&lt;dataset-id&gt;/&lt;tokenizer&gt;/{train,val}/part-*.bin, manifest.json
 * &lt;root&gt;/&lt;sweep&gt;/runs/&lt;run-id&gt;/...
 * &lt;root&gt;/&lt;sweep&gt;/id/...
 * &lt;root&gt;/&lt;sweep&gt;/analysis/...
 * </pre>
 *
 * <p>Every write goes to a hidden temporary sibling ({@code .<name>.tmp-<uuid>}) that is renamed
 * into place, so readers see a whole file or none; multi-file outputs are built in a temporary
 * folder and committed with one folder rename. Hidden names also keep leftovers of a crashed writer
 * out of Hadoop and Spark input listings, which skip names starting with {@code .}.
 *
 * <p>The {@link FileSystem} is Hadoop's shared, cached instance for the root's URI; the store does
 * not own it and never closes it. On {@code file://} the store writes its own files without
 * Hadoop's {@code .crc} checksum files: a reader that met a checksum from before a replace would
 * fail, and Hadoop's local file system would move the file away. Instances are thread-safe.
 */
public final class ResultsStore {
  private static final Logger LOG = LoggerFactory.getLogger(ResultsStore.class);
  private static final String TMP_MARK = ".tmp-";
  private static final int WRITE_BUFFER = 1 << 16;

  private final Configuration conf;
  private final FileSystem fs;
  private final Path root;

  /** What the store writes its own files with: {@link #fs}, minus checksums on the local disk. */
  private final FileSystem writeFs;

  private ResultsStore(Configuration conf, FileSystem fs, Path root) {
    this.conf = conf;
    this.fs = fs;
    this.root = root;
    this.writeFs =
        Renames.isLocal(fs) && fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }

  /**
   * Opens the store at {@code root}, creating the folder if needed.
   *
   * @param root a URI ({@code hdfs://namenode:8020/scalinglab}, {@code file:///data/sl}) or a local
   *     path, relative or absolute, which becomes an absolute {@code file:} URI
   * @throws StoreException naming {@code root} if it cannot be reached or created as a folder
   */
  public static ResultsStore open(String root, Configuration conf) {
    requireNonNull(root, "root");
    requireNonNull(conf, "conf");
    if (root.isBlank()) {
      throw new StoreException(
          "results store root is empty: give a folder or URI such as hdfs://namenode:8020/sl");
    }
    try {
      URI uri = toUri(root.strip());
      FileSystem fs = FileSystem.get(uri, conf);
      Path path = fs.makeQualified(new Path(uri));
      if (!fs.mkdirs(path) || !fs.getFileStatus(path).isDirectory()) {
        throw new IOException("mkdirs did not make a folder");
      }
      return new ResultsStore(conf, fs, path);
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException(
          "cannot open the results store at '"
              + root
              + "': "
              + e
              + ". Check that the folder exists or can be created and that you may write to it;"
              + " for hdfs:// also that the NameNode in the URI is running and reachable",
          e);
    }
  }

  private static URI toUri(String root) {
    try {
      URI uri = new URI(root);
      // One-letter schemes are Windows drive letters (C:\...), not URIs.
      if (uri.getScheme() != null && uri.getScheme().length() > 1) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Not a URI (spaces, backslashes): a local path.
    }
    java.nio.file.Path local = Paths.get(root).toAbsolutePath().normalize();
    try {
      return new URI("file", null, local.toString(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot turn " + local + " into a file URI", e);
    }
  }

  /**
   * The root as a fully qualified URI, e.g. {@code hdfs://127.0.0.1:9000/sl} or {@code file:/x}.
   */
  public URI rootUri() {
    return root.toUri();
  }

  /** The file system the store lives on: shared and cached by Hadoop, so do not close it. */
  public FileSystem fs() {
    return fs;
  }

  /** The root folder, fully qualified. */
  public Path root() {
    return root;
  }

  /** The Hadoop configuration the store was opened with (not a copy). */
  public Configuration hadoopConf() {
    return conf;
  }

  /** The folder of a prepared dataset: {@code <root>/data/<datasetId>/<tokenizer>}. */
  public Path dataDir(String datasetId, String tokenizer) {
    return new Path(
        new Path(new Path(root, "data"), segment(datasetId, "dataset id")),
        segment(tokenizer, "tokenizer"));
  }

  /** The folder of a sweep: {@code <root>/<sweep>}. */
  public Path sweepDir(String sweep) {
    return new Path(root, segment(sweep, "sweep name"));
  }

  /** The folder of one run: {@code <root>/<sweep>/runs/<runId>}. */
  public Path runDir(String sweep, String runId) {
    return new Path(new Path(sweepDir(sweep), "runs"), segment(runId, "run id"));
  }

  /**
   * Writes a file atomically: {@code writer} fills a hidden temporary file in the target's folder,
   * which is then renamed to {@code target}, replacing a file already there (in one step on HDFS
   * and POSIX local disks). Folders are created as needed. Whatever happens, the temporary file
   * does not outlive the call.
   *
   * @throws StoreException naming {@code target} if writing or renaming fails with an I/O error;
   *     any other exception the writer throws (a bad token, say) is passed on as it is
   */
  public void writeAtomically(Path target, IoWriter writer) {
    requireNonNull(target, "target");
    requireNonNull(writer, "writer");
    Path tmp = temporarySibling(target);
    boolean renamed = false;
    try {
      try (FSDataOutputStream file = writeFs.create(tmp, false)) {
        OutputStream out = new BufferedOutputStream(new KeepOpen(file), WRITE_BUFFER);
        writer.write(out);
        out.flush();
      }
      Renames.replaceFile(writeFs, tmp, target);
      renamed = true;
    } catch (IOException | UncheckedIOException e) {
      throw new StoreException(
          "cannot write "
              + target
              + ": "
              + e
              + ". Check that the store is writable and has space; nothing was left behind",
          e);
    } finally {
      if (!renamed) {
        deleteQuietly(tmp);
      }
    }
  }

  /** Writes {@code utf8} as a UTF-8 file, atomically. */
  public void writeString(Path target, String utf8) {
    requireNonNull(utf8, "utf8");
    writeAtomically(target, out -> out.write(utf8.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes {@code value} as pretty-printed JSON ending in a newline, atomically. */
  public void writeJson(Path target, Object value) {
    requireNonNull(value, "value");
    byte[] json;
    try {
      json = Json.PRETTY.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot turn " + value.getClass().getName() + " into JSON: " + e.getOriginalMessage(), e);
    }
    writeAtomically(
        target,
        out -> {
          out.write(json);
          out.write('\n');
        });
  }

  /**
   * Reads a whole UTF-8 file.
   *
   * @throws StoreException naming {@code p} if it is missing or cannot be read
   */
  public String readString(Path p) {
    requireNonNull(p, "p");
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new StoreException(p + " does not exist. Run the step that writes it first", e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + p + ": " + e, e);
    }
  }

  /**
   * Reads a JSON file as a tree.
   *
   * @throws InputException naming {@code p} if it is not valid JSON
   */
  public JsonNode readJson(Path p) {
    String text = readString(p);
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw damaged(p, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a JSON file into {@code type} (a record, usually).
   *
   * @throws InputException naming {@code p} if it is not valid JSON or does not fit {@code type}
   */
  public <T> T readJson(Path p, Class<T> type) {
    requireNonNull(type, "type");
    String text = readString(p);
    try {
      return Json.MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw damaged(p, "cannot read as " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  private static InputException damaged(Path p, String problem, Exception cause) {
    return InputException.of(
        p.toString(),
        problem,
        "The file is damaged or from another format version; delete it and run the step that"
            + " writes it again",
        cause);
  }

  /** Whether {@code p} exists. */
  public boolean exists(Path p) {
    requireNonNull(p, "p");
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new StoreException("cannot check whether " + p + " exists: " + e, e);
    }
  }

  /**
   * Creates an empty hidden folder beside {@code finalDir} to build a multi-file output in; pass it
   * to {@link #commitDirectory} when complete.
   */
  public Path newTempDir(Path finalDir) {
    Path tmp = temporarySibling(finalDir);
    try {
      if (!writeFs.mkdirs(tmp)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new StoreException("cannot create a temporary folder beside " + finalDir + ": " + e, e);
    }
    return tmp;
  }

  /**
   * Renames a complete temporary folder to {@code finalDir} in one step. If another writer has
   * already committed {@code finalDir} (two attempts of one task, say), theirs is kept, {@code
   * tempDir} is deleted and the answer is false: outputs are keyed by content, so theirs is as
   * good.
   *
   * @return true if {@code tempDir} became {@code finalDir}
   * @throws StoreException if the rename fails for another reason
   */
  public boolean commitDirectory(Path tempDir, Path finalDir) {
    requireNonNull(tempDir, "tempDir");
    requireNonNull(finalDir, "finalDir");
    if (exists(finalDir)) {
      deleteQuietly(tempDir);
      return false;
    }
    try {
      Renames.moveDirectory(writeFs, tempDir, finalDir);
      return true;
    } catch (IOException e) {
      if (exists(finalDir) && exists(tempDir)) {
        // Someone committed between our check and our rename, and the rename refused.
        deleteQuietly(tempDir);
        return false;
      }
      throw new StoreException(
          "cannot commit " + tempDir + " as " + finalDir + ": " + e + ". Run the step again", e);
    }
  }

  /** Deletes {@code p} recursively if it exists, logging instead of throwing on failure. */
  public void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      fs.delete(p, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not delete {}: {}", p, e.toString());
    }
  }

  /**
   * Temporary files and folders ({@code .<name>.tmp-<uuid>}) anywhere under {@code dir}: what
   * interrupted writers left. Empty if {@code dir} does not exist.
   */
  public List<Path> temporaryLeftovers(Path dir) {
    requireNonNull(dir, "dir");
    List<Path> found = new ArrayList<>();
    try {
      collectLeftovers(dir, found);
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e, e);
    }
    return found;
  }

  private void collectLeftovers(Path dir, List<Path> found) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".") && name.contains(TMP_MARK)) {
        found.add(s.getPath());
      } else if (s.isDirectory()) {
        collectLeftovers(s.getPath(), found);
      }
    }
  }

  private static Path temporarySibling(Path p) {
    Path parent = p.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("cannot write to the file system root " + p);
    }
    return new Path(parent, "." + p.getName() + TMP_MARK + UUID.randomUUID());
  }

  /**
   * Checks that {@code value} is one plain path segment. Names starting with {@code .} or {@code _}
   * are refused because Hadoop and Spark input listings skip them as hidden.
   */
  private static String segment(String value, String what) {
    requireNonNull(value, what);
    if (value.isEmpty()
        || value.startsWith(".")
        || value.startsWith("_")
        || value.chars().anyMatch(c -> c == '/' || c == '\\' || c == ':' || c < ' ')) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not a valid "
              + what
              + ": use a non-empty name without '/', '\\' or ':' that does not start with '.' or"
              + " '_'");
    }
    return value;
  }

  /** Passes writes through and turns close into flush, so the store alone closes the file. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
