package org.example.echo.core;

/**
 * One instance as the lock service lists it.
 *
 * @param id the registration's id (new on every start)
 * @param address the IP it registered, where its {@code /healthz} answers
 * @param port its port
 * @param health the lock service's view of its check: {@code passing}, {@code warning} or {@code critical}
 */
public record RegisteredInstance(String id, String address, int port, String health) {}
