// Command goecho is the Go peer that bench.sh measures this service against: a WebSocket echo on "/" written
// the plain gorilla/websocket way, as the original Go service was. A text message <t> is answered
// "echo: <t>", a binary message comes back unchanged; one goroutine per connection reads and writes the reply.
//
//	goecho -addr 127.0.0.1:0     # prints "listening on 127.0.0.1:<port>" once it accepts
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/gorilla/websocket"
)

// Zero buffer sizes: gorilla reuses the 4 KB buffers net/http already allocated for the connection, which is
// what the default Upgrader of an idiomatic service does. The default origin check (same host or no Origin)
// matches this service's default policy.
var upgrader = websocket.Upgrader{}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "host:port to listen on (port 0: any free port)")
	readLimit := flag.Int64("read-limit", 4096, "largest accepted message in bytes, as this service's --read-limit")
	flag.Parse()
	if flag.NArg() > 0 {
		fail("unexpected argument %q", flag.Arg(0))
	}
	// Listen first, so the printed address is one that already accepts (bench.sh waits for this line).
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fail("cannot listen on %s: %v", *addr, err)
	}
	fmt.Printf("goecho: listening on %s\n", listener.Addr())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { echo(w, r, *readLimit) })
	log.Fatal(http.Serve(listener, nil))
}

// echo serves one connection until the client closes it or breaks the protocol.
func echo(w http.ResponseWriter, r *http.Request, readLimit int64) {
	conn, err := upgrader.Upgrade(w, r, nil) // answers a failed upgrade with 400 itself
	if err != nil {
		return
	}
	defer conn.Close()
	if readLimit > 0 {
		conn.SetReadLimit(readLimit) // a larger message closes with 1009, as in this service
	}
	for {
		kind, message, err := conn.ReadMessage()
		if err != nil {
			return // closed by the client, or a protocol error gorilla has already answered
		}
		if kind == websocket.TextMessage {
			message = append([]byte("echo: "), message...)
		}
		if err := conn.WriteMessage(kind, message); err != nil {
			return
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goecho: "+format+"\n", args...)
	os.Exit(2)
}
