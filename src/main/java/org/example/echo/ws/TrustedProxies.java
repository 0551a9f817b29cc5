package org.example.echo.ws;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The peers whose {@code X-Real-IP} / {@code X-Real-Port} are believed ({@code --trusted-proxies}): networks in
 * CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}, a bare address is one host), {@code local-networks} for the
 * networks of this host's own interfaces (in a container: loopback and its container networks, where the
 * compose stack's nginx is), or {@code none}. From any other peer the headers are ignored: anyone can send them.
 * Trusted proxies are also exempt from the per-client connection limit, since they carry many clients.
 */
public final class TrustedProxies {

  public static final String LOCAL_NETWORKS = "local-networks";
  public static final String NONE = "none";
  /** A literal address only: parsing one must never become a DNS lookup. */
  private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

  private final List<Network> networks;
  private final String description;

  private TrustedProxies(List<Network> networks, String description) {
    this.networks = networks;
    this.description = description;
  }

  /** From the option's values; see {@link #problemWith} for what is accepted. */
  public static TrustedProxies of(List<String> values) {
    List<Network> networks = new ArrayList<>();
    List<String> named = new ArrayList<>();
    for (String raw : values) {
      String value = raw.strip().toLowerCase(Locale.ROOT);
      if (value.isEmpty() || value.equals(NONE)) {
        continue;
      }
      named.add(value);
      if (value.equals(LOCAL_NETWORKS)) {
        networks.addAll(localNetworks());
      } else {
        networks.add(Network.parse(value));
      }
    }
    return new TrustedProxies(List.copyOf(networks), named.isEmpty() ? NONE : String.join(",", named));
  }

  /** One value of {@code --trusted-proxies}: null when fine, else what is wrong with it. */
  public static String problemWith(String raw) {
    String value = raw.strip().toLowerCase(Locale.ROOT);
    if (value.isEmpty() || value.equals(NONE) || value.equals(LOCAL_NETWORKS)) {
      return null;
    }
    try {
      Network.parse(value);
      return null;
    } catch (IllegalArgumentException e) {
      return "'" + raw + "' is not a network (use a CIDR such as 10.0.0.0/8 or ::1/128, an address, "
          + LOCAL_NETWORKS + " or " + NONE + ")";
    }
  }

  public boolean trusts(InetAddress peer) {
    for (Network network : networks) {
      if (network.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /** An address literal from a header, or null when it is none (no DNS lookup is ever made). */
  static InetAddress literal(String value) {
    if (value == null || !LITERAL.matcher(value).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private static List<Network> localNetworks() {
    List<Network> found = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress address : nic.getInterfaceAddresses()) {
          found.add(new Network(address.getAddress().getAddress(), address.getNetworkPrefixLength()));
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list this host's network interfaces for " + LOCAL_NETWORKS, e);
    }
    return found;
  }

  /** An address prefix: the first {@code bits} bits of {@code address}; never compared, so arrays are fine. */
  @SuppressWarnings("ArrayRecordComponent")
  private record Network(byte[] address, int bits) {

    static Network parse(String cidr) {
      int slash = cidr.indexOf('/');
      InetAddress address = literal(slash < 0 ? cidr : cidr.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException(cidr);
      }
      int max = address.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(cidr, e);
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException(cidr);
      }
      return new Network(address.getAddress(), bits);
    }

    boolean contains(InetAddress peer) {
      byte[] candidate = peer.getAddress();
      if (candidate.length != address.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (candidate[full] & mask) == (address[full] & mask);
    }
  }
}
