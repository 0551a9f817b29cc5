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
 * @param load how long to run closed-loop echo on every connection after the hold; zero for none
 * @param messageSize bytes of text in each load message
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
    Duration load,
    int messageSize,
    List<InetAddress> sourceAddresses,
    boolean verbose) {

  public CheckOptions {
    sourceAddresses = List.copyOf(sourceAddresses);
  }
}
