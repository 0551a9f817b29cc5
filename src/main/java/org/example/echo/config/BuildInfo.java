package org.example.echo.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Version facts embedded at build time by {@code ./build.sh} (git describe, branch, commit, dirty flag, build
 * time) through Maven resource filtering of {@code version.properties}.
 */
public record BuildInfo(String describe, String branch, String commit, String dirty, String buildTime) {

  private static final String RESOURCE = "/version.properties";

  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return new BuildInfo(
        value(p, "git.describe"),
        value(p, "git.branch"),
        value(p, "git.commit"),
        value(p, "git.dirty"),
        value(p, "build.time"));
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "unknown").trim();
    // An unfiltered placeholder means the resource was not processed by Maven (e.g. run from an IDE).
    return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
  }

  /** Short version for /healthz and logs, e.g. {@code v1.2.0-3-gabc1234-dirty}. */
  public String version() {
    return "true".equals(dirty) && !describe.endsWith("-dirty") ? describe + "-dirty" : describe;
  }

  /** The full line printed by {@code --version}. */
  public String describeLine() {
    return String.format(
        "echo-service %s (branch %s, commit %s, %s, built %s)",
        version(), branch, commit, "true".equals(dirty) ? "dirty" : "clean", buildTime);
  }
}
