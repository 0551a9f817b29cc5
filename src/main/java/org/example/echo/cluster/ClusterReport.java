package org.example.echo.cluster;

import java.util.List;

/**
 * The body of {@code GET /cluster}; Jackson writes the components in this order.
 *
 * @param service the service name the instances are registered under
 * @param askedAt when the instances were asked
 * @param instances every registered instance, by address
 */
public record ClusterReport(String service, String askedAt, List<InstanceReport> instances) {}
