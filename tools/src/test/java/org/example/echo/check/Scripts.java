package org.example.echo.check;

import java.io.IOException;

/** What the misbehaving servers of the tests do on each connection. */
final class Scripts {
  private Scripts() {}

  /** Upgrades, then echoes {@code count} texts as our server does, then does {@code then}. */
  static ScriptedServer.Script echoThen(int count, ScriptedServer.Script then) {
    return (peer, index) -> {
      peer.acceptUpgrade();
      for (int i = 0; i < count; i++) {
        peer.echoOne();
      }
      then.play(peer, index);
    };
  }

  /** Reads whatever comes and answers nothing, until the client hangs up. */
  static void silence(WebSocketPeer peer, int index) throws IOException {
    while (true) {
      peer.readFrame();
    }
  }

  /** A plain echo server: every text comes back as it is, without our server's prefix; a close is answered. */
  static void plainEcho(WebSocketPeer peer, int index) throws IOException {
    peer.acceptUpgrade();
    while (true) {
      WebSocketPeer.Frame frame = peer.readFrame();
      if (frame.opcode() == WebSocketPeer.CLOSE) {
        peer.sendClose(1000, "");
        return;
      }
      peer.sendText(frame.text());
    }
  }
}
