package org.example.echo.cluster;

import java.util.List;

/**
 * One row of {@code GET /cluster}: the instance at one address as the directory lists it and as its own {@code
 * /healthz} answered.
 *
 * @param id the registration's id
 * @param address {@code ip:port}, where it was asked
 * @param consulHealth the directory's view of its check ({@code passing}, {@code critical}, …)
 * @param role what it reports ({@code leader}, {@code standby}, …), or {@code unreachable} when it did not answer
 * @param since when it entered that role (for unreachable: when this view first found it so)
 * @param version its build, empty when unreachable
 * @param connections its open WebSocket connections, -1 when unreachable
 * @param problem why it is unreachable, else empty
 * @param staleRegistrations ids of other registrations of the same address (an instance killed and restarted
 *     there), not yet reaped by the directory; usually empty
 */
public record InstanceReport(
    String id,
    String address,
    String consulHealth,
    String role,
    String since,
    String version,
    int connections,
    String problem,
    List<String> staleRegistrations) {

  public static final String UNREACHABLE = "unreachable";
}
