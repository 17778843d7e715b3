package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report renders in a real browser: headless Chromium opens {@code report.html} from disk, runs
 * its load script, and every embedded figure has decoded (natural width > 0). Leaves the report and
 * a PNG screenshot under {@code <build dir>/report-test/} to look at.
 */
class ReportRenderTest {
  private static final Pattern LOADED =
      Pattern.compile("data-figures-total=\"(\\d+)\" data-figures-loaded=\"(\\d+)\"");

  @Test
  void everyFigureLoadsInHeadlessChromium(@TempDir Path profile) throws Exception {
    Optional<Chromium> chromium = Chromium.find();
    if (chromium.isEmpty()) {
      System.out.println(
          "SKIPPED ReportRenderTest: no chromium on the PATH (Debian: apt-get install chromium;"
              + " .ci/run installs it)");
    }
    assumeTrue(chromium.isPresent(), "chromium is not installed");
    Path dir =
        Path.of(System.getProperty("scalinglab.test.out", profile.resolve("out").toString()));
    Files.createDirectories(dir);
    AnalysisOutput output = AnalysisOutputTest.output();
    Path report = AnalysisOutputTest.write(output, dir);
    long pngs = output.figureFiles().stream().filter(f -> f.endsWith(".png")).count();

    String dom = chromium.get().dumpDom(report, profile);
    Matcher m = LOADED.matcher(dom);
    assertTrue(m.find(), "the report's load script did not run; DOM starts: " + head(dom));
    assertEquals(pngs, Long.parseLong(m.group(1)), "figures in the page: every figure written");
    assertEquals(m.group(1), m.group(2), "figures that loaded");

    Path shot = dir.resolve("report.png");
    chromium.get().screenshot(report, profile, shot, 1280, 2600);
    assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);
    System.out.println("report and screenshot: " + report + ", " + shot);
  }

  private static String head(String s) {
    return s.substring(0, Math.min(300, s.length()));
  }
}
