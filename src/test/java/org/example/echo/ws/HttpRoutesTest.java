package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.core.RoleStatus;
import org.example.echo.testkit.EchoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain HTTP on the real server (HttpRoutes): health, the demo page, and short answers for anything else. */
class HttpRoutesTest {

  private static WebSocketClient client;
  private EchoServer server;

  @BeforeAll
  static void startClient() throws Exception {
    client = new WebSocketClient();
    client.start();
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.stop();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private EchoServer serving() throws Exception {
    server = new EchoServer(new LoopbackSettings().build(), () -> RoleStatus.standalone(Instant.EPOCH));
    server.start();
    server.gate().open();
    return server;
  }

  private static URI uri(EchoServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void everyHandlerIsNonBlockingSoRequestsAndUpgradesStayOnTheSelector() throws Exception {
    // One blocking handler anywhere (a dynamic PathMappingsHandler is one) makes Jetty hand every request,
    // upgrades included, to a pool thread: a thread wake-up per connection (docs/bench.md).
    assertThat(serving().invocationType()).isEqualTo(Invocable.InvocationType.NON_BLOCKING);
  }

  @Test
  void healthReportsRoleVersionAndConnections() throws Exception {
    EchoServer server = serving();
    EchoClient.connect(client, uri(server));
    HttpResponse<String> health = get(server, "/healthz", Map.of());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(health.body())
        .contains("\"status\":\"UP\"", "\"role\":\"standalone\"", "\"version\":\"test\"", "\"connections\":1");
  }

  @Test
  void healthIsOneLineOfJsonWithTheDocumentedFieldsInOrder() throws Exception {
    HttpResponse<String> health = get(serving(), "/healthz", Map.of());
    assertThat(health.body())
        .matches("\\{\"status\":\"UP\",\"role\":\"standalone\",\"holder\":\"\","
            + "\"roleSince\":\"1970-01-01T00:00:00Z\",\"secondsInRole\":\\d+,\"version\":\"test\","
            + "\"connections\":0,\"uptimeSeconds\":\\d+\\}\n");
  }

  @Test
  void plainHttpGetsTheDemoPageOrShortAnswersNeverErrors() throws Exception {
    EchoServer server = serving();
    HttpResponse<String> root = get(server, "/", Map.of());
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(root.body()).contains("<title>echo-service</title>", "new WebSocket(", "/healthz");
    HttpResponse<String> nope = get(server, "/nope", Map.of());
    assertThat(nope.statusCode()).isEqualTo(404);
    assertThat(nope.body()).isEqualTo("not found: /nope (WebSocket at /, health at /healthz, metrics at /metrics, cluster at /cluster)\n");
    assertThat(nope.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(get(server, "/healthz/more", Map.of()).statusCode()).isEqualTo(404);
    assertThat(get(server, "/index.html", Map.of()).statusCode()).isEqualTo(404);
    HttpResponse<String> head = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    HttpResponse<String> postHealth = send(server, "/healthz", "POST");
    assertThat(postHealth.statusCode()).isEqualTo(405);
    assertThat(postHealth.body()).isEqualTo("use GET on /healthz\n");
    HttpResponse<String> postRoot = send(server, "/", "POST");
    assertThat(postRoot.statusCode()).isEqualTo(405);
    assertThat(postRoot.body()).contains("WebSocket");
    assertThat(postRoot.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  private static HttpResponse<String> send(EchoServer server, String path, String method)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(EchoServer server, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    headers.forEach(request::header);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
