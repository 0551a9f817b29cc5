package org.example.echo.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The transport's plain HTTP answers: small, complete bodies with their length, written in one go, and then the
 * connection is closed. Plain HTTP here is health, metrics, the cluster view and a demo page, a request now and
 * then per client; requests are handled on the selector thread (HttpRoutes), and a connection kept alive would let
 * one client pipeline a buffer full of requests (hundreds) into a single turn of it, holding up every WebSocket
 * connection on that selector. One answer per connection bounds a turn to one request. For a refused upgrade
 * it also leaves the TIME_WAIT here rather than on one of a proxy's ephemeral ports (nginx retries a standby's
 * refusal elsewhere, thousands a second in a storm).
 */
final class Responses {

  private Responses() {}

  /** Jetty's own error answers (a handler threw or failed its callback), closed like every answer here. */
  static final class ClosingErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return super.handle(request, response, callback);
    }
  }

  static boolean readOnly(Request request) {
    return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
  }

  /** Answers 405 with {@code Allow} to anything but GET or HEAD on a read-only path; true when it did. */
  static boolean refusedUnlessReadOnly(Request request, Response response, Callback callback, String path) {
    if (readOnly(request)) {
      return false;
    }
    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
    return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET on " + path + "\n");
  }

  static boolean text(Response response, Callback callback, int status, String body) {
    return write(response, callback, status, "text/plain; charset=utf-8", body);
  }

  static boolean write(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }
}
