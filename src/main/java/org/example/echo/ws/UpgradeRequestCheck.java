package org.example.echo.ws;

import java.util.Base64;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers WebSocket upgrade requests that RFC 6455 says must fail, before Jetty sees them: Jetty passes an
 * unsupported {@code Sec-WebSocket-Version} on as plain HTTP (the demo page, 200) and accepts any
 * {@code Sec-WebSocket-Key}. Version other than 13: 426 with {@code Sec-WebSocket-Version: 13} (section 4.4);
 * a key that is not 16 bytes in base64: 400 (section 4.2.1).
 */
final class UpgradeRequestCheck extends Handler.Wrapper {

  static final String VERSION = "13";
  private static final int KEY_BYTES = 16;

  UpgradeRequestCheck(Handler next) {
    super(next);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpFields headers = request.getHeaders();
    String upgrade = headers.get(HttpHeader.UPGRADE);
    if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      return super.handle(request, response, callback);
    }
    String version = headers.get(HttpHeader.SEC_WEBSOCKET_VERSION);
    if (!VERSION.equals(version == null ? null : version.strip())) {
      response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, VERSION);
      return Responses.text(response, callback, HttpStatus.UPGRADE_REQUIRED_426,
          "unsupported Sec-WebSocket-Version " + ClientText.quoted(version) + ": this server speaks "
              + VERSION + " (RFC 6455)\n");
    }
    if (!isKey(headers.get(HttpHeader.SEC_WEBSOCKET_KEY))) {
      return Responses.text(response, callback, HttpStatus.BAD_REQUEST_400,
          "bad Sec-WebSocket-Key: it must be 16 bytes in base64 (RFC 6455 section 4.2.1)\n");
    }
    return super.handle(request, response, callback);
  }

  static boolean isKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.strip()).length == KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
