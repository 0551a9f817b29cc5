package org.example.echo.ws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket here. Browsers send {@code Origin}; other clients usually do not,
 * and are accepted, since an origin check protects users' browsers, not the server. By default only pages of
 * the same origin as the request's {@code Host} are allowed: scheme http or https, the same host and the same
 * port (the scheme's default when {@code Host} names none). Behind a proxy, the proxy must pass the client's
 * {@code Host} with its port (nginx: {@code $http_host}). Anything that is not such an origin ({@code foo://h},
 * {@code //h}, {@code http://user@h}, a path) is refused.
 */
public final class OriginPolicy {

  private final boolean any;
  private final Set<WebOrigin> allowed;

  private OriginPolicy(boolean any, Set<WebOrigin> allowed) {
    this.any = any;
    this.allowed = allowed;
  }

  public static OriginPolicy sameHost() {
    return new OriginPolicy(false, Set.of());
  }

  /**
   * From {@code --allowed-origins}: empty means same origin only, {@code *} means any origin, otherwise exact
   * origins such as {@code https://example.com} or {@code http://localhost:3000} (the same origin stays allowed).
   */
  public static OriginPolicy of(List<String> origins) {
    List<String> cleaned = origins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (cleaned.contains("*")) {
      return new OriginPolicy(true, Set.of());
    }
    return new OriginPolicy(false,
        cleaned.stream().map(WebOrigin::parse).filter(Objects::nonNull).collect(Collectors.toSet()));
  }

  /** Checks one value of {@code --allowed-origins}; returns a problem, or null when it is fine. */
  public static String problemWith(String origin) {
    String o = origin.strip();
    if (o.equals("*") || o.isEmpty() || WebOrigin.parse(o) != null) {
      return null;
    }
    return "'" + origin + "' is not an origin (use http[s]://host[:port], e.g. https://example.com, or *)";
  }

  /** Whether an upgrade with this {@code Origin} (null when absent) and {@code Host} header may proceed. */
  public boolean allows(String origin, String hostHeader) {
    if (origin == null || any) {
      return true;
    }
    WebOrigin page = WebOrigin.parse(origin);
    if (page == null) {
      return false;
    }
    return allowed.contains(page) || (hostHeader != null && page.isServedBy(hostHeader));
  }

  /** Host and port of a {@code Host} header value; port -1 when it names none. */
  record HostPort(String host, int port) {
    static HostPort parse(String hostHeader) {
      String h = hostHeader.strip().toLowerCase(Locale.ROOT);
      int colon = h.startsWith("[") ? h.indexOf(':', Math.max(0, h.indexOf(']'))) : h.lastIndexOf(':');
      if (colon < 0) {
        return new HostPort(h, -1);
      }
      try {
        return new HostPort(h.substring(0, colon), Integer.parseInt(h.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return new HostPort(h, -2); // matches no origin
      }
    }
  }

  /** An origin as RFC 6454 has it for the web: scheme (http or https), host, port (the default made explicit). */
  record WebOrigin(String scheme, String host, int port) {

    /** The origin, or null when the text is not a plain http(s) origin. */
    static WebOrigin parse(String text) {
      String t = text.strip().toLowerCase(Locale.ROOT);
      if (t.endsWith("/")) {
        t = t.substring(0, t.length() - 1);
      }
      try {
        URI uri = new URI(t);
        String scheme = uri.getScheme();
        boolean web = "http".equals(scheme) || "https".equals(scheme);
        if (!web || uri.getRawUserInfo() != null || uri.getHost() == null || !uri.getRawPath().isEmpty()
            || uri.getRawQuery() != null || uri.getRawFragment() != null) {
          return null;
        }
        return new WebOrigin(scheme, uri.getHost(), uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme));
      } catch (URISyntaxException e) {
        return null;
      }
    }

    /** Whether this is the origin of a page served under that {@code Host} header (http or https). */
    boolean isServedBy(String hostHeader) {
      HostPort served = HostPort.parse(hostHeader);
      int servedPort = served.port() == -1 ? defaultPort(scheme) : served.port();
      return host.equals(served.host()) && port == servedPort;
    }

    private static int defaultPort(String scheme) {
      return "https".equals(scheme) ? 443 : 80;
    }
  }
}
