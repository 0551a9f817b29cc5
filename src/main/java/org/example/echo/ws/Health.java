package org.example.echo.ws;

/**
 * The body of {@code /healthz}. Jackson writes the components in this order; the field names are part of the
 * wire format (the demo page, nginx checks and the tests read them).
 */
record Health(
    String status,
    String role,
    String holder,
    String roleSince,
    long secondsInRole,
    String version,
    int connections,
    long uptimeSeconds) {}
