package io.scalinglab.analysis.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium} package) for tests: the DOM of a page after its
 * scripts ran, and screenshots. Started with a throw-away profile and every background service off,
 * so it neither reaches the network nor leaves anything behind.
 */
final class Chromium {
  private static final List<String> NAMES =
      List.of("chromium", "chromium-browser", "google-chrome");

  private final Path executable;

  private Chromium(Path executable) {
    this.executable = executable;
  }

  /** The browser on the PATH, if there is one. */
  static Optional<Chromium> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(new Chromium(p));
        }
      }
    }
    return Optional.empty();
  }

  /** The serialised DOM of {@code page} after its load handlers ran. */
  String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
    return run(page, profile, "--dump-dom");
  }

  /** A PNG screenshot of {@code page}, {@code width} × {@code height} CSS pixels. */
  void screenshot(Path page, Path profile, Path png, int width, int height)
      throws IOException, InterruptedException {
    run(
        page,
        profile,
        "--screenshot=" + png.toAbsolutePath(),
        "--window-size=" + width + "," + height,
        "--hide-scrollbars");
  }

  private String run(Path page, Path profile, String... extra)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                executable.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--virtual-time-budget=10000"));
    cmd.addAll(List.of(extra));
    cmd.add(page.toAbsolutePath().toUri().toString());
    Path out = Files.createTempFile(profile, "stdout", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish within 120 s: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited with " + p.exitValue() + ": " + cmd);
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
