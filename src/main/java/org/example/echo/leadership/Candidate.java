package org.example.echo.leadership;

/**
 * This instance as the others see it in the leader key.
 *
 * @param id unique instance id (also the Consul service id)
 * @param address the advertised IP address
 * @param port the WebSocket port
 */
public record Candidate(String id, String address, int port) {

  @Override
  public String toString() {
    return id + "@" + address + ":" + port;
  }
}
