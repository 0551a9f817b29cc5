package org.example.echo.ws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The self-contained demo page served on {@code GET /} (static/index.html in the jar). */
final class DemoPage {

  private static final String RESOURCE = "/static/index.html";

  private DemoPage() {}

  static String load() {
    try (InputStream in = DemoPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
