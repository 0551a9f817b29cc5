package main

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// maxEchoesPerConnection bounds a closed loop by count as well as by time.
const maxEchoesPerConnection = 100_000_000

// failures counts what went wrong across goroutines and keeps the first one for the output line.
type failures struct {
	mu    sync.Mutex
	count int
	first error
}

func (f *failures) add(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.count == 0 {
		f.first = err
	}
	f.count++
}

// forEach runs work(i) for every i in [0, n) on at most `workers` goroutines: bounded concurrency, as the
// Java client keeps at most 128 dials in flight.
func forEach(n, workers int, work func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers && w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				work(i)
			}
		}()
	}
	wg.Wait()
}

// echoOnce sends msg and waits for its echo; like the Java client, a reply counts if it is a text message
// ending with the text sent (this service answers "echo: <t>"). The caller sets the deadlines.
func echoOnce(conn *websocket.Conn, msg []byte) error {
	if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
		return err
	}
	kind, reply, err := conn.ReadMessage()
	if err != nil {
		return err
	}
	if kind != websocket.TextMessage || !bytes.HasSuffix(reply, msg) {
		return fmt.Errorf("unexpected reply (type %d, %d bytes)", kind, len(reply))
	}
	return nil
}

// dialAll opens n connections, each with one echo right after its handshake, at most `inflight` at a time.
// It returns them (nil where it failed) and when the last one was ready; every dial and echo ends by timeout.
func dialAll(cfg config, n int, fails *failures) ([]*websocket.Conn, time.Time) {
	dialer := websocket.Dialer{HandshakeTimeout: cfg.timeout} // covers the TCP connect too
	conns := make([]*websocket.Conn, n)
	var mu sync.Mutex
	var lastReady time.Time
	forEach(n, cfg.inflight, func(i int) {
		conn, _, err := dialer.Dial(cfg.url, nil)
		if err != nil {
			fails.add(fmt.Errorf("connection %d: %w", i, err))
			return
		}
		deadline := time.Now().Add(cfg.timeout)
		_ = conn.SetWriteDeadline(deadline) // only fails on a closed connection, which echoOnce reports
		_ = conn.SetReadDeadline(deadline)
		if err := echoOnce(conn, cfg.message); err != nil {
			fails.add(fmt.Errorf("connection %d: first echo: %w", i, err))
			conn.Close()
			return
		}
		conns[i] = conn
		mu.Lock()
		lastReady = time.Now()
		mu.Unlock()
	})
	return conns, lastReady
}

// echoAll does one more echo on every open connection (after a hold) and counts those that answered.
func echoAll(cfg config, conns []*websocket.Conn, fails *failures) int {
	var echoed atomic.Int64
	forEach(len(conns), cfg.inflight, func(i int) {
		if conns[i] == nil {
			return
		}
		deadline := time.Now().Add(cfg.timeout)
		_ = conns[i].SetWriteDeadline(deadline)
		_ = conns[i].SetReadDeadline(deadline)
		if err := echoOnce(conns[i], cfg.message); err != nil {
			fails.add(fmt.Errorf("connection %d: echo after the hold: %w", i, err))
			return
		}
		echoed.Add(1)
	})
	return int(echoed.Load())
}

// closedLoop has every connection send its next message as soon as the previous echo is back, until
// `duration` is over; it returns the time until the last echo came back. Latencies go into h.
func closedLoop(cfg config, conns []*websocket.Conn, duration time.Duration, h *histogram, fails *failures) time.Duration {
	start := time.Now()
	end := start.Add(duration)
	// One deadline for the whole run instead of one per echo: a silent server still ends it, and the loop
	// does not pay for a timer reset per message.
	deadline := end.Add(cfg.timeout)
	forEach(len(conns), len(conns), func(i int) {
		conn := conns[i]
		_ = conn.SetWriteDeadline(deadline)
		_ = conn.SetReadDeadline(deadline)
		for n := 0; n < maxEchoesPerConnection && time.Now().Before(end); n++ {
			sent := time.Now()
			if err := echoOnce(conn, cfg.message); err != nil {
				fails.add(fmt.Errorf("connection %d: %w", i, err))
				return
			}
			h.record(time.Since(sent))
		}
	})
	return time.Since(start)
}

// closeAll sends every connection a close (1000) and waits up to `grace` for the server's answer, so that it
// is the server that ends each TCP connection, as RFC 6455 wants; then closes the socket either way.
func closeAll(cfg config, conns []*websocket.Conn, grace time.Duration) {
	forEach(len(conns), cfg.inflight, func(i int) {
		conn := conns[i]
		if conn == nil {
			return
		}
		deadline := time.Now().Add(grace)
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
		_ = conn.SetReadDeadline(deadline)
		for n := 0; n < 16; n++ { // until the server's close (an error here), at most a few stray echoes
			if _, _, err := conn.ReadMessage(); err != nil {
				break
			}
		}
		conn.Close()
	})
}
