#!/usr/bin/env python3
"""The attacks of issue 11 against a running instance on loopback, with numbers (python3, standard library only).

  scripts/hostile-clients.py PORT ATTACK [options]         e.g.  scripts/hostile-clients.py 8080 pipeline

Attacks (each bounded in time, each prints what a healthy client saw meanwhile):
  fragment    one client offers 'fragment; maxLength=1' and keeps 32 x 4 KB messages in flight
  pipeline    one client pipelines pre-encoded 4 KB text frames flat out, reading its replies in bulk
  slowloris   --count connections send one request-header byte per second (default 500)
  deflate     --count connections offer permessage-deflate, echo once and are held (default 8000); --pid
              reads the server's RSS while they are held
  rfc         upgrade requests with bad versions, keys and origins: prints the status of each
  forge       close reasons, messages and headers with CR/LF, ANSI escapes and U+202E (check the server's log)
  sigterm     300 slowloris, 200 non-reading and 100 idle clients, then SIGTERM to --pid: prints the exit time
The healthy client measures handshake + one echo on a fresh connection, every 20 ms, in its own process.
Only loopback targets; every loop is bounded by count and by the --seconds deadline.
"""
import argparse
import base64
import os
import signal
import socket
import struct
import sys
import threading
import time
from multiprocessing import Process, Queue

HOST = "127.0.0.1"


def upgrade_request(port, extra=""):
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n").encode()


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 16384:
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


def frame(opcode, payload, mask=b"\x01\x02\x03\x04"):
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def read_frame(sock):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf
    b0, b1 = exact(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", exact(8))[0]
    return b0 & 0x0F, exact(n)


def connect_ws(port, extra="", timeout=20.0):
    sock = socket.create_connection((HOST, port), timeout=timeout)
    sock.sendall(upgrade_request(port, extra))
    head = read_head(sock)
    if not head.startswith("HTTP/1.1 101"):
        sock.close()
        raise ConnectionError(head.splitlines()[0] if head else "no answer")
    return sock, head


def healthy_client(port, seconds, results):
    """Handshake + one echo on a fresh connection every 20 ms; puts the latencies (s) and failures."""
    latencies, failures = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(latencies) + len(failures) < 10000:
        start = time.monotonic()
        try:
            sock, _ = connect_ws(port)
            sock.sendall(frame(1, b"healthy"))
            opcode, payload = read_frame(sock)
            if payload != b"echo: healthy":
                raise ConnectionError(f"wrong reply {payload[:40]!r}")
            latencies.append(time.monotonic() - start)
            sock.close()
        except (OSError, ConnectionError) as e:
            failures.append(f"{type(e).__name__}: {e}"[:80])
        time.sleep(0.02)
    results.put((latencies, failures))


def report(label, latencies, failures):
    if latencies:
        s = sorted(latencies)
        pct = lambda p: s[min(len(s) - 1, int(p * len(s)))] * 1000
        print(f"{label}: healthy client, handshake + echo: {len(s)} ok, {len(failures)} failed; "
              f"p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {s[-1] * 1000:.1f} ms")
    else:
        print(f"{label}: healthy client: 0 ok, {len(failures)} failed")
    if failures:
        print(f"  first failure: {failures[0]}")


def with_healthy_client(port, seconds, label, attack):
    results = Queue()
    stop = threading.Event()
    attacker = threading.Thread(target=attack, args=(stop,), daemon=True)
    attacker.start()
    time.sleep(0.5)  # the attack is under way
    probe = Process(target=healthy_client, args=(port, seconds, results))
    probe.start()
    latencies, failures = results.get(timeout=seconds + 120)
    probe.join(10)
    stop.set()
    attacker.join(10)
    report(label, latencies, failures)


def attack_fragment(port, args):
    def run(stop):
        sock, head = connect_ws(port, "Sec-WebSocket-Extensions: fragment; maxLength=1\r\n")
        print("fragment: negotiated:", [l for l in head.splitlines() if "xtensions" in l] or "nothing")
        message = frame(1, b"a" * 4096)
        sock.setblocking(False)
        sent = 0
        deadline = time.monotonic() + args.seconds + 5
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                if sent < 32:
                    sock.send(message)
                    sent += 1
                data = sock.recv(65536)  # replies arrive one byte per frame; keep 32 in flight
                if not data:
                    break
                sent = max(0, sent - len(data) // (3 * 4096))
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
        sock.close()
    with_healthy_client(port, args.seconds, "fragment", run)


def attack_pipeline(port, args):
    def run(stop):
        sock, _ = connect_ws(port)
        batch = frame(1, b"p" * 4096) * 16
        drained = [0]

        def drain():
            try:
                while not stop.is_set():
                    data = sock.recv(1 << 20)
                    if not data:
                        return
                    drained[0] += len(data)
            except OSError:
                return
        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        sent = 0
        deadline = time.monotonic() + args.seconds + 5
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                sock.sendall(batch)
                sent += len(batch)
        except OSError as e:
            print("pipeline: attacker cut off:", e)
        print(f"pipeline: attacker sent {sent >> 20} MB, read {drained[0] >> 20} MB of replies")
        sock.close()
    with_healthy_client(port, args.seconds, "pipeline", run)


def attack_slowloris(port, args):
    count = args.count or 500
    socks, refused = [], []
    for _ in range(count):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(b"G")
            socks.append((s, time.monotonic()))
        except OSError as e:
            refused.append(str(e))
    print(f"slowloris: {len(socks)} connected, {len(refused)} could not connect")
    request = b"ET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    closed, answers = {}, {}

    def run(stop):
        deadline = time.monotonic() + args.seconds
        for i in range(len(request)):
            if stop.is_set() or time.monotonic() > deadline:
                break
            for n, (s, opened) in enumerate(socks):
                if n in closed:
                    continue
                try:
                    s.setblocking(False)
                    try:
                        data = s.recv(4096)
                        if data or data == b"":
                            answers.setdefault(n, data[:60])
                            closed[n] = time.monotonic() - opened
                            continue
                    except BlockingIOError:
                        pass
                    s.send(request[i:i + 1])
                except OSError:
                    closed[n] = time.monotonic() - opened
            time.sleep(1)
    with_healthy_client(port, args.seconds, "slowloris", run)
    if closed:
        times = sorted(closed.values())
        print(f"slowloris: {len(closed)} of {len(socks)} cut, after {times[0]:.1f}..{times[-1]:.1f} s; "
              f"first answer {next(iter(answers.values()), b'')!r}")
    else:
        print(f"slowloris: none of {len(socks)} was cut within {args.seconds} s")
    for s, _ in socks:
        s.close()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return -1


def attack_deflate(port, args):
    count = args.count or 8000
    before = rss_mb(args.pid) if args.pid else None
    socks, failed, negotiated = [], 0, 0
    deadline = time.monotonic() + args.seconds + 120
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        try:
            s, head = connect_ws(port, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
            negotiated += "permessage-deflate" in head
            s.sendall(frame(1, b"deflate me " * 20))
            read_frame(s)
            socks.append(s)
        except (OSError, ConnectionError):
            failed += 1
    time.sleep(3)
    held = rss_mb(args.pid) if args.pid else None
    print(f"deflate: {len(socks)} held ({negotiated} negotiated deflate), {failed} failed; "
          f"server RSS {before} MB before, {held} MB while held")
    for s in socks:
        s.close()
    if args.pid:
        time.sleep(5)
        print(f"deflate: server RSS {rss_mb(args.pid)} MB 5 s after they closed")


def status_of(port, request):
    try:
        with socket.create_connection((HOST, port), timeout=5) as s:
            s.sendall(request)
            head = read_head(s)
            return head.splitlines()[0] if head else "(closed)", head
    except OSError as e:
        return f"({e})", ""


def attack_rfc(port, args):
    def req(version="13", key=None, origin=None):
        key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET / HTTP/1.1", f"Host: {HOST}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", f"Sec-WebSocket-Version: {version}"]
        if origin:
            lines.append(f"Origin: {origin}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()
    cases = [("version 12", req("12")), ("version 8", req("8")), ("version 13abc", req("13abc")),
             ("key of 4 bytes", req(key=base64.b64encode(b"abcd").decode())), ("key not base64", req(key="!!!!")),
             ("origin foo://127.0.0.1", req(origin="foo://127.0.0.1")),
             ("origin //127.0.0.1", req(origin="//127.0.0.1")),
             (f"origin http://evil.com@127.0.0.1:{port}", req(origin=f"http://evil.com@127.0.0.1:{port}")),
             (f"origin http://127.0.0.1:{port} (same)", req(origin=f"http://127.0.0.1:{port}")),
             ("origin http://127.0.0.1:1 (other port)", req(origin="http://127.0.0.1:1"))]
    for label, request in cases:
        line, head = status_of(port, request)
        extra = [l for l in head.splitlines() if l.lower().startswith("sec-websocket-version")]
        print(f"rfc: {label:40} -> {line} {' '.join(extra)}")


def attack_forge(port, args):
    evil = "x\r\n2099-01-01T00:00:00.000Z INFO  [main] EchoEndpoint - forged \x1b[31mred\x1b[0m \u202etxt.exe"
    # Header values: Jetty refuses C0 controls there (400); UTF-8 of U+202E passes as bytes.
    rlo = "\u202e".encode()
    with socket.create_connection((HOST, port), timeout=5) as h:
        h.sendall(upgrade_request(port).replace(b"\r\n\r\n", b"\r\nUser-Agent: ua " + rlo + b"gpj.exe\r\n"
                  b"X-Real-IP: 198.51.100.7" + rlo + b"\r\nOrigin: http://evil" + rlo + b".example\r\n\r\n"))
        print("forge: headers with U+202E ->", read_head(h).splitlines()[0])
    s, _ = connect_ws(port)
    s.sendall(frame(1, evil.encode()))
    read_frame(s)
    s.sendall(frame(8, struct.pack(">H", 1000) + evil.encode()[:120]))
    try:
        read_frame(s)
    except (OSError, ConnectionError):
        pass
    s.close()
    time.sleep(0.5)
    print("forge: sent; lines of the server's log with 'forged' or U+202E follow (must be one line each, escaped)")


def attack_sigterm(port, args):
    if not args.pid:
        sys.exit("sigterm needs --pid")
    slow, non_reading, idle = [], [], []
    for _ in range(300):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    for _ in range(200):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        s.connect((HOST, port))
        s.sendall(upgrade_request(port))
        read_head(s)
        s.setblocking(False)
        message = frame(1, b"n" * 4000)
        for _ in range(40):
            try:
                s.send(message)
            except BlockingIOError:
                break
        non_reading.append(s)
    for _ in range(100):
        idle.append(connect_ws(port)[0])
    time.sleep(1)
    start = time.monotonic()
    os.kill(args.pid, signal.SIGTERM)
    for _ in range(2000):
        try:
            os.kill(args.pid, 0)
        except ProcessLookupError:
            break
        if not os.path.exists(f"/proc/{args.pid}") or open(f"/proc/{args.pid}/status").read().find("State:\tZ") >= 0:
            break
        time.sleep(0.005)
    print(f"sigterm: 300 slowloris, 200 non-reading, 100 idle; process gone {time.monotonic() - start:.2f} s after SIGTERM")
    for s in slow + non_reading + idle:
        s.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("attack", choices=["fragment", "pipeline", "slowloris", "deflate", "rfc", "forge", "sigterm"])
    parser.add_argument("--seconds", type=float, default=10, help="how long the attack and the healthy client run")
    parser.add_argument("--count", type=int, default=0, help="connections of slowloris / deflate")
    parser.add_argument("--pid", type=int, default=0, help="the server's pid (deflate: RSS; sigterm: the target)")
    args = parser.parse_args()
    globals()["attack_" + args.attack](args.port, args)


if __name__ == "__main__":
    main()
