package org.example.echo.check;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What one check does, already validated.
 *
 * @param uri the ws:// or wss:// endpoint
 * @param connections how many connections to open
 * @param sleep pause between two dials
 * @param dialTimeout limit for one dial (TCP connect + upgrade), and for its echo with {@code echo}
 * @param interval pause between two status lines
 * @param hold how long to keep all connections open once established
 * @param echo whether to verify one echo on every connection
 * @param sourceAddresses local addresses to spread the dials over; empty for the OS's choice
 * @param verbose whether to print per-connection details to stderr
 */
public record CheckOptions(
    URI uri,
    int connections,
    Duration sleep,
    Duration dialTimeout,
    Duration interval,
    Duration hold,
    boolean echo,
    List<InetAddress> sourceAddresses,
    boolean verbose) {

  public CheckOptions {
    sourceAddresses = List.copyOf(sourceAddresses);
  }
}
