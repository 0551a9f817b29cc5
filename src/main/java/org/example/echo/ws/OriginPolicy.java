package org.example.echo.ws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket here. Browsers send {@code Origin}; other clients usually do not,
 * and are accepted, since an origin check protects users' browsers, not the server. By default only pages from
 * the same host as the request's {@code Host} are allowed (any port: behind nginx the ports differ).
 */
public final class OriginPolicy {

  private final boolean any;
  private final Set<String> allowed;

  private OriginPolicy(boolean any, Set<String> allowed) {
    this.any = any;
    this.allowed = allowed;
  }

  public static OriginPolicy sameHost() {
    return new OriginPolicy(false, Set.of());
  }

  /**
   * From {@code --allowed-origins}: empty means same host only, {@code *} means any origin, otherwise exact
   * origins such as {@code https://example.com} or {@code http://localhost:3000} (same host stays allowed).
   */
  public static OriginPolicy of(List<String> origins) {
    List<String> cleaned = origins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (cleaned.contains("*")) {
      return new OriginPolicy(true, Set.of());
    }
    return new OriginPolicy(false, cleaned.stream().map(OriginPolicy::normalize).collect(Collectors.toSet()));
  }

  /** Checks one value of {@code --allowed-origins}; returns a problem, or null when it is fine. */
  public static String problemWith(String origin) {
    String o = origin.strip();
    if (o.equals("*") || o.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(o);
      if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
        return "'" + origin + "' is not an origin (use scheme://host[:port], e.g. https://example.com, or *)";
      }
      return null;
    } catch (URISyntaxException e) {
      return "'" + origin + "' is not an origin (use scheme://host[:port], e.g. https://example.com, or *)";
    }
  }

  /** Whether an upgrade with this {@code Origin} (null when absent) and {@code Host} header may proceed. */
  public boolean allows(String origin, String hostHeader) {
    if (origin == null || any) {
      return true;
    }
    String normalized = normalize(origin);
    if (allowed.contains(normalized)) {
      return true;
    }
    String originHost = hostOf(normalized);
    return originHost != null && hostHeader != null && originHost.equals(hostOfHostHeader(hostHeader));
  }

  private static String normalize(String origin) {
    String o = origin.strip().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  private static String hostOf(String origin) {
    try {
      return new URI(origin).getHost();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static String hostOfHostHeader(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(0, end + 1) : h;
    }
    int colon = h.lastIndexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }
}
