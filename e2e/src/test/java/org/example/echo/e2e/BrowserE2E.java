package org.example.echo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.testkit.ComposeStack;
import org.example.echo.testkit.EchoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The demo page in a real browser (Debian's chromium, headless, driven through Debian's chromedriver) through
 * nginx: echo, a failover the page visibly rides out, and a page from a foreign origin being refused.
 */
class BrowserE2E {

  private static final Path SCREENSHOTS = Path.of("target", "e2e-reports");
  private static final Duration STEADY = Duration.ofSeconds(60);
  private static ComposeStack stack;
  private static WebDriver browser;

  @BeforeAll
  static void startBrowser() throws IOException {
    stack = new ComposeStack();
    Path profile = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("ECHO_CHROMIUM", "/usr/bin/chromium"));
    options.addArguments(
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
        "--window-size=1000,1300", "--user-data-dir=" + profile);
    // An explicit driver means Selenium Manager never tries to download one.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(executable("ECHO_CHROMEDRIVER", "/usr/bin/chromedriver")))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
  }

  private static String executable(String env, String fallback) {
    String path = System.getenv().getOrDefault(env, fallback);
    if (!Files.isExecutable(Path.of(path))) {
      throw new IllegalStateException(path + " is missing: scripts/compose-e2e.sh installs chromium and chromium-driver");
    }
    return path;
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void steadyStack() {
    stack.restoreAll();
    stack.awaitSteady(STEADY);
  }

  private String pageUrl() {
    return stack.echoUri().toString().replace("ws://", "http://");
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private void send(String message) {
    browser.findElement(By.id("message")).sendKeys(message);
    browser.findElement(By.cssSelector("#send button")).click();
  }

  /**
   * The role the page's instance table shows for an address, or "" when it has no such row. Read in one script:
   * the page rebuilds the table on every poll, so an element found first and read later may be gone by then.
   */
  private String tableRole(String address) {
    Object role = ((JavascriptExecutor) browser).executeScript(
        "const cell = document.querySelector(arguments[0]); return cell ? cell.textContent.trim() : '';",
        "#cluster tr[data-address='" + address + "'] td.role");
    return role == null ? "" : role.toString();
  }

  private int chart(String attribute) {
    return Integer.parseInt(browser.findElement(By.id("rtt")).getAttribute("data-" + attribute));
  }

  private void awaitEcho(String message) {
    await("the page shows the echo of '" + message + "'")
        .atMost(Duration.ofSeconds(10))
        .until(() -> text("log").contains("← " + EchoReply.to(message)));
  }

  @Test
  void pageEchoesAndReconnectsToTheNewLeaderAfterAKill() throws IOException {
    browser.get(pageUrl());
    await("connected").atMost(Duration.ofSeconds(10)).until(() -> "connected".equals(text("state")));
    send("hello from chromium");
    awaitEcho("hello from chromium");
    String leader = stack.leader().orElseThrow();
    String leaderIp = stack.ip(leader);
    await("instance line names the leader")
        .atMost(Duration.ofSeconds(10))
        .until(() -> text("instance").contains(leaderIp) && text("instance").contains("leader"));
    String standbyIp = stack.ip(ComposeStack.otherReplica(leader));
    await("the table shows the leader and the standby")
        .atMost(Duration.ofSeconds(10))
        .until(() -> tableRole(leaderIp + ":8080").equals("leader") && tableRole(standbyIp + ":8080").equals("standby"));
    await("the chart has round trips").atMost(Duration.ofSeconds(10)).until(() -> chart("samples") >= 4);
    assertThat(chart("outages")).isZero();

    ComposeStack.docker("kill", stack.container(leader));
    await("the page notices and reconnects")
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("log").contains("reconnecting") && "connected".equals(text("state")));
    await("instance line names the new leader")
        .atMost(Duration.ofSeconds(15))
        .until(() -> text("instance").contains("leader") && !text("instance").contains(leaderIp));
    send("after failover");
    awaitEcho("after failover");
    await("the table shows the roles flipped: the killed one unreachable, the standby leading")
        .atMost(Duration.ofSeconds(15))
        .until(() -> tableRole(leaderIp + ":8080").equals("unreachable") && tableRole(standbyIp + ":8080").equals("leader"));
    await("the chart marks the outage and has round trips after it")
        .atMost(Duration.ofSeconds(15))
        .until(() -> chart("outages") >= 1 && chart("samples-after-outage") >= 4);

    Files.createDirectories(SCREENSHOTS);
    File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Path saved = SCREENSHOTS.resolve("browser-failover.png");
    Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("MEASURED browser: echo before and after killing %s; instance line now '%s'; table %s=%s, %s=%s;"
        + " chart: %s; screenshot %s%n", leader, text("instance"), leaderIp, tableRole(leaderIp + ":8080"), standbyIp,
        tableRole(standbyIp + ":8080"), text("rtt-summary"), saved);
  }

  @Test
  void pageFromAForeignOriginIsRefused() throws Exception {
    URI echo = stack.echoUri();
    // A page on another loopback address is another origin; it tries to open the echo socket.
    String page =
        "<!doctype html><title>foreign</title><script>"
            + "const ws = new WebSocket('" + echo + "');"
            + "ws.onopen = () => document.title = 'opened';"
            + "ws.onclose = (e) => document.title = 'closed ' + e.code;"
            + "</script>";
    HttpServer foreign = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    foreign.createContext("/", exchange -> {
      byte[] body = page.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    foreign.start();
    try {
      browser.get("http://127.0.0.2:" + foreign.getAddress().getPort() + "/");
      await("the browser's socket is refused").atMost(Duration.ofSeconds(10)).until(() -> browser.getTitle().startsWith("closed"));
      assertThat(browser.getTitle()).isEqualTo("closed 1006").isNotEqualTo("opened");
    } finally {
      foreign.stop(0);
    }
    // What the browser cannot show: the upgrade was answered with 403, and the leader logged why.
    WebSocketClient client = new WebSocketClient();
    client.start();
    try {
      assertThatThrownBy(() -> EchoClient.connect(client, echo, Map.of("Origin", "http://127.0.0.2:1234")))
          .cause()
          .isInstanceOf(UpgradeException.class)
          .satisfies(x -> assertThat(((UpgradeException) x).getResponseStatusCode()).isEqualTo(403));
    } finally {
      client.stop();
    }
    String leader = stack.leader().orElseThrow();
    assertThat(ComposeStack.docker("logs", stack.container(leader))).contains("is not allowed (see --allowed-origins)");
  }
}
