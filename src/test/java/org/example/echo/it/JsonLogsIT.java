package org.example.echo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.testkit.ConsulFixture;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.EchoProcess;
import org.junit.jupiter.api.Test;

/** A real JVM of the jar with {@code --log-format json}: every line it prints is one JSON object. */
class JsonLogsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyStdoutLineIsAJsonObjectAndConnectionLinesCarryTheirFields() throws Exception {
    String service = "json-logs-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
    WebSocketClient ws = new WebSocketClient();
    ws.start();
    try (ConsulFixture consul = new ConsulFixture();
        EchoProcess echo = EchoProcess.start("json", consul.url(), service, "--log-format", "json")) {
      await().atMost(Duration.ofSeconds(30)).until(echo::serving);
      EchoClient client = EchoClient.connect(ws, echo.uri());
      assertThat(client.echo("json please", Duration.ofSeconds(5))).isEqualTo(EchoReply.to("json please"));
      client.session().close(1000, "done", Callback.NOOP);
      client.closed().get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.output().contains("closed code=1000"));
      echo.sigterm();
      assertThat(echo.awaitExit(10)).isZero();

      List<String> lines = Files.readAllLines(echo.log);
      List<JsonNode> objects = new ArrayList<>();
      for (String line : lines) {
        JsonNode node = JSON.readTree(line); // throws on anything that is not JSON
        assertThat(node.isObject()).as("one object per line: %s", line).isTrue();
        assertThat(node.has("timestamp") && node.has("level") && node.has("loggerName")
            && node.has("formattedMessage")).as("the documented fields: %s", line).isTrue();
        objects.add(node);
      }
      assertThat(objects).as("startup, leadership, connection and shutdown lines").hasSizeGreaterThan(8);
      assertThat(objects).anyMatch(o -> o.get("formattedMessage").asText().matches("leadership \\w+ -> LEADER: .*"));
      JsonNode closed = objects.stream()
          .filter(o -> o.get("formattedMessage").asText().contains("closed code=1000"))
          .findFirst().orElseThrow();
      assertThat(closed.get("loggerName").asText()).isEqualTo("org.example.echo.ws.EchoEndpoint");
      assertThat(closed.get("kvpList").toString()).contains("{\"conn\":\"", "{\"code\":\"1000\"}", "{\"remote\":\"127.0.0.1:");
      System.out.printf("[measured] --log-format json: %d stdout lines, every one a JSON object%n", objects.size());
    } finally {
      ws.stop();
    }
  }
}
