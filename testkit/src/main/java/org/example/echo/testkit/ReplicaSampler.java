package org.example.echo.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;

/**
 * Asks every replica directly, round after round, whether it accepts echo traffic, and remembers any round in
 * which more than one did: the "never two serving" check of the end-to-end tests.
 */
public final class ReplicaSampler implements AutoCloseable {

  private final ComposeStack stack;
  private final WebSocketClient client = new WebSocketClient();
  private final OverlapSampler sampler;

  public ReplicaSampler(ComposeStack stack, Duration interval, Duration maxRunTime) throws Exception {
    this.stack = stack;
    client.setConnectTimeout(300);
    client.start();
    Map<String, BooleanSupplier> replicas = new LinkedHashMap<>();
    for (String replica : ComposeStack.REPLICAS) {
      replicas.put(replica, () -> accepts(replica));
    }
    sampler = new OverlapSampler("replica-sampler", replicas, interval, maxRunTime);
  }

  private boolean accepts(String replica) {
    try {
      String ip = stack.ip(replica);
      if (ip.isEmpty()) {
        return false;
      }
      URI replicaUri = URI.create("ws://" + ip + ":8080/");
      return EchoReply.to("sample").equals(EchoClient.echoOnce(client, replicaUri, "sample", Duration.ofMillis(500)));
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  public int rounds() {
    return sampler.rounds();
  }

  public int roundsWithTwoServing() {
    return sampler.overlaps().size();
  }

  @Override
  public void close() {
    sampler.close();
    try {
      client.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the sampler's client", e);
    }
  }
}
