package io.scalinglab.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile the tests check: {@code ARG} defaults, {@code LABEL}s, {@code
 * COPY} sources and destinations (with {@code ${ARG}} substituted), {@code FROM} and {@code USER}.
 * Continuation lines are joined and comments dropped, as Docker reads them.
 *
 * @param args ARG names and their default values
 * @param labels LABEL keys and values
 * @param copies the COPY instructions, in order
 * @param from the FROM images, with ARG defaults substituted
 * @param user the last USER
 * @param workdir the last WORKDIR
 */
record Dockerfile(
    Map<String, String> args,
    Map<String, String> labels,
    List<Copy> copies,
    List<String> from,
    String user,
    String workdir) {

  /**
   * One COPY: its sources, relative to the build context unless {@code stage} names a build stage,
   * and its destination in the image.
   */
  record Copy(List<String> sources, String destination, String stage) {}

  private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
  private static final Pattern LABEL = Pattern.compile("([\\w.-]+)=\"([^\"]*)\"");

  /** The CPU image's Dockerfile. */
  static final String CPU = "deploy/docker/Dockerfile";

  /** The CUDA image's Dockerfile. */
  static final String CUDA = "deploy/docker/Dockerfile.cuda";

  /** The image's name as its {@code org.opencontainers.image.title} label gives it. */
  String title() {
    return labels.get("org.opencontainers.image.title");
  }

  /** Parses the Dockerfile at {@code relative} (to the repository root). */
  static Dockerfile parse(String relative) {
    Map<String, String> args = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<Copy> copies = new ArrayList<>();
    List<String> from = new ArrayList<>();
    String user = null;
    String workdir = null;
    for (String instruction : instructions(Repo.read(relative))) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
      String rest = parts.length > 1 ? parts[1].strip() : "";
      switch (keyword) {
        case "ARG" -> {
          String[] kv = rest.split("=", 2);
          args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        case "LABEL" -> {
          Matcher m = LABEL.matcher(rest);
          while (m.find()) {
            labels.put(m.group(1), substitute(m.group(2), args));
          }
        }
        case "FROM" -> from.add(substitute(rest.split("\\s+")[0], args));
        case "USER" -> user = rest;
        case "WORKDIR" -> workdir = rest;
        case "COPY" -> {
          List<String> words = new ArrayList<>(List.of(rest.split("\\s+")));
          String stage = null;
          while (!words.isEmpty() && words.get(0).startsWith("--")) {
            String flag = words.remove(0);
            if (flag.startsWith("--from=")) {
              stage = flag.substring("--from=".length());
            }
          }
          String dest = substitute(words.remove(words.size() - 1), args);
          copies.add(new Copy(words.stream().map(w -> substitute(w, args)).toList(), dest, stage));
        }
        default -> {
          // RUN, ENV, WORKDIR, ...: not checked here
        }
      }
    }
    return new Dockerfile(args, labels, copies, from, user, workdir);
  }

  /** Where a context path lands in the image ({@code configs/x.conf} under a copied folder). */
  String imagePathOf(String contextPath) {
    for (Copy c : copies) {
      if (c.stage() != null) {
        continue;
      }
      for (String src : c.sources()) {
        if (src.equals(contextPath)) {
          return c.destination().endsWith("/")
              ? c.destination() + contextPath.substring(contextPath.lastIndexOf('/') + 1)
              : c.destination();
        }
        if (src.endsWith("/") && contextPath.startsWith(src)) {
          return c.destination() + contextPath.substring(src.length());
        }
      }
    }
    return null;
  }

  /** The build-context path copied to {@code imagePath}, or null. */
  String contextPathOf(String imagePath) {
    for (Copy c : copies) {
      if (c.stage() != null) {
        continue;
      }
      if (c.destination().equals(imagePath) && c.sources().size() == 1) {
        return c.sources().get(0);
      }
      if (c.destination().endsWith("/")
          && imagePath.startsWith(c.destination())
          && c.sources().size() == 1
          && c.sources().get(0).endsWith("/")) {
        return c.sources().get(0) + imagePath.substring(c.destination().length());
      }
    }
    return null;
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The instructions, one string each: comments dropped, continuation lines joined. */
  private static List<String> instructions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.lines().toList()) {
      String l = line.strip();
      if (l.startsWith("#") || (l.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (l.endsWith("\\")) {
        current.append(l, 0, l.length() - 1).append(' ');
        continue;
      }
      current.append(l);
      if (current.length() > 0) {
        out.add(current.toString().strip());
      }
      current.setLength(0);
    }
    return out;
  }
}
