package org.example.echo.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The transport's plain HTTP answers: small, complete bodies with their length, written in one go. */
final class Responses {

  private Responses() {}

  static boolean readOnly(Request request) {
    return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
  }

  static boolean text(Response response, Callback callback, int status, String body) {
    return write(response, callback, status, "text/plain; charset=utf-8", body);
  }

  static boolean write(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }
}
