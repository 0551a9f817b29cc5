package org.example.echo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.testkit.ComposeStack;
import org.example.echo.testkit.EchoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The steady stack as a client sees it through nginx. */
class EchoThroughNginxE2E {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ComposeStack stack;
  private static WebSocketClient client;

  @BeforeAll
  static void connect() throws Exception {
    stack = new ComposeStack();
    client = new WebSocketClient();
    client.start();
  }

  @BeforeEach
  void steadyStack() {
    stack.restoreAll();
    stack.awaitSteady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void disconnect() throws Exception {
    client.stop();
  }

  @Test
  void echoesTextAndBinary() throws Exception {
    EchoClient c = EchoClient.connect(client, stack.echoUri());
    assertThat(c.echo("hello", WAIT)).isEqualTo(EchoReply.to("hello"));
    c.sendBinary(new byte[] {1, 2, 3});
    assertThat(c.next(WAIT)).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    c.close();
  }

  @Test
  void twoHundredParallelClientsAllGetTheirEcho() throws Exception {
    List<CompletableFuture<EchoClient>> connecting = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      connecting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return EchoClient.connect(client, stack.echoUri());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<EchoClient> clients = new ArrayList<>();
    for (CompletableFuture<EchoClient> f : connecting) {
      clients.add(f.get(30, TimeUnit.SECONDS));
    }
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).sendText("client " + i);
    }
    for (int i = 0; i < clients.size(); i++) {
      assertThat(clients.get(i).next(WAIT)).isEqualTo(EchoReply.to("client " + i));
    }
    clients.forEach(EchoClient::close);
  }

  @Test
  void exactlyOneReplicaAcceptsEchoAndTheOthersRefuseWith503() {
    assertThat(stack.leaders()).hasSize(1);
    for (String replica : ComposeStack.REPLICAS) {
      String role = stack.role(replica);
      assertThat(role).isIn("leader", "standby");
    }
  }

  @Test
  void healthThroughNginxIsTheLeaders() throws Exception {
    URI health = URI.create(stack.echoUri().toString().replace("ws://", "http://") + "healthz");
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"role\":\"leader\"");
  }
}
