// Command goclient is bench.sh's independent load client, on gorilla/websocket: the same four figures as the
// Java `check --client nio`, measured by code that shares nothing with this service.
//
//	goclient -mode load    [-c 50] [-size 32] [-d 5s] [-warmup 3s] URL  closed loop: msgs/s, p50, p99
//	goclient -mode connect [-c 5000] [-warmup 3s] URL                   connect + first echo: connections/s
//	goclient -mode rtt     [-d 5s] [-warmup 3s] URL                     one connection's closed loop
//	goclient -mode hold    [-c 19000] [-hold 15s] URL                   held idle, echo before and after
//
// Prints one line of key=value pairs on stdout (the error, if any, last) and progress on stderr, where
// "goclient: measuring" marks the end of the warm-up. Exit status: 0 all well, 1 a connection or echo failed,
// 2 bad flags.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

type config struct {
	mode                            string
	url                             string
	connections, size, inflight     int
	duration, warmup, hold, timeout time.Duration
	message                         []byte
}

// Per mode, the connection count bench.sh uses, so that a bare `-mode X URL` runs the figure.
var defaultConnections = map[string]int{"load": 50, "connect": 5000, "rtt": 1, "hold": 19000}

const closeGrace = 2 * time.Second

func main() {
	cfg := parseFlags()
	var line string
	var fails failures
	switch cfg.mode {
	case "load", "rtt":
		line = runLoad(cfg, &fails)
	case "connect":
		line = runConnect(cfg, &fails)
	case "hold":
		line = runHold(cfg, &fails)
	}
	status := 0
	line += fmt.Sprintf(" errors=%d ok=%t", fails.count, fails.count == 0)
	if fails.count > 0 {
		status = 1
		line += fmt.Sprintf(" error=%q", fails.first.Error())
	}
	fmt.Println(line)
	os.Exit(status)
}

func runLoad(cfg config, fails *failures) string {
	conns, _ := dialAll(cfg, cfg.connections, fails)
	defer closeAll(cfg, conns, closeGrace)
	if fails.count > 0 {
		return fmt.Sprintf("mode=%s conns=%d", cfg.mode, cfg.connections)
	}
	if cfg.warmup > 0 {
		closedLoop(cfg, conns, cfg.warmup, &histogram{}, fails)
	}
	fmt.Fprintf(os.Stderr, "goclient: measuring %d connections for %s\n", len(conns), cfg.duration)
	h := &histogram{}
	elapsed := closedLoop(cfg, conns, cfg.duration, h, fails)
	ms := func(p float64) float64 { return float64(h.percentile(p)) / 1e6 }
	return fmt.Sprintf("mode=%s conns=%d size=%d seconds=%.3f echoes=%d msgs_per_s=%.0f"+
		" p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f", cfg.mode, cfg.connections, cfg.size,
		elapsed.Seconds(), h.count(), float64(h.count())/elapsed.Seconds(), ms(50), ms(99), ms(99.9), ms(100))
}

func runConnect(cfg config, fails *failures) string {
	// Rounds of the same work, unmeasured, as the Java client's --warmup does (for the server's sake here).
	warmupEnd := time.Now().Add(cfg.warmup)
	for round := 0; round < 1000 && time.Now().Before(warmupEnd); round++ {
		conns, _ := dialAll(cfg, minInt(cfg.connections, 1000), &failures{})
		closeAll(cfg, conns, closeGrace)
	}
	fmt.Fprintf(os.Stderr, "goclient: measuring %d connections\n", cfg.connections)
	start := time.Now()
	conns, lastReady := dialAll(cfg, cfg.connections, fails)
	defer closeAll(cfg, conns, closeGrace)
	ready := cfg.connections - fails.count
	seconds := lastReady.Sub(start).Seconds()
	if ready == 0 {
		seconds = 0
	}
	return fmt.Sprintf("mode=connect conns=%d ready=%d seconds=%.3f conns_per_s=%.0f",
		cfg.connections, ready, seconds, float64(ready)/maxFloat(seconds, 1e-9))
}

func runHold(cfg config, fails *failures) string {
	conns, _ := dialAll(cfg, cfg.connections, fails)
	defer closeAll(cfg, conns, closeGrace) // all at once: the "mass disconnect" bench.sh measures after
	held := cfg.connections - fails.count
	fmt.Fprintf(os.Stderr, "goclient: holding %d connections for %s\n", held, cfg.hold)
	time.Sleep(cfg.hold)
	echoed := echoAll(cfg, conns, fails)
	return fmt.Sprintf("mode=hold conns=%d held=%d echoed=%d hold_s=%.0f", cfg.connections, held, echoed,
		cfg.hold.Seconds())
}

func parseFlags() config {
	var cfg config
	flag.StringVar(&cfg.mode, "mode", "", "load, connect, rtt or hold (required)")
	flag.IntVar(&cfg.connections, "c", 0, "connections (by default per mode: load 50, connect 5000, rtt 1, hold 19000)")
	flag.IntVar(&cfg.size, "size", 32, "bytes of each text message")
	flag.IntVar(&cfg.inflight, "inflight", 128, "dials (and closes) in flight at once")
	flag.DurationVar(&cfg.duration, "d", 5*time.Second, "measured time of load and rtt")
	flag.DurationVar(&cfg.warmup, "warmup", 0, "unmeasured run of the same work first (load, rtt, connect)")
	flag.DurationVar(&cfg.hold, "hold", 15*time.Second, "how long hold keeps the connections idle")
	flag.DurationVar(&cfg.timeout, "timeout", 5*time.Second, "limit of each dial and each echo")
	flag.Parse()

	if _, known := defaultConnections[cfg.mode]; !known {
		usage("-mode must be load, connect, rtt or hold, was %q", cfg.mode)
	}
	connectionsSet := false
	flag.Visit(func(f *flag.Flag) { connectionsSet = connectionsSet || f.Name == "c" })
	if !connectionsSet {
		cfg.connections = defaultConnections[cfg.mode]
	}
	var limit syscall.Rlimit // Go 1.19 raised the soft limit to the hard one at start
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit)
	switch {
	case cfg.connections < 1 || cfg.connections > 100_000:
		usage("-c must be 1 to 100000, was %d", cfg.connections)
	case cfg.mode == "rtt" && cfg.connections != 1:
		usage("-mode rtt uses one connection, -c was %d", cfg.connections)
	case limit.Cur > 0 && uint64(cfg.connections)+64 > limit.Cur:
		usage("-c %d needs %d open files, this process may have %d (ulimit -n)", cfg.connections, cfg.connections+64, limit.Cur)
	case cfg.size < 1 || cfg.size > 2048:
		usage("-size must be 1 to 2048 bytes (the echo must fit the servers' 4096-byte read limit), was %d", cfg.size)
	case cfg.inflight < 1 || cfg.inflight > 10_000:
		usage("-inflight must be 1 to 10000, was %d", cfg.inflight)
	case cfg.duration <= 0 || cfg.duration > time.Hour:
		usage("-d must be more than 0 and at most 1h, was %s", cfg.duration)
	case cfg.warmup < 0 || cfg.warmup > 10*time.Minute:
		usage("-warmup must be 0 to 10m, was %s", cfg.warmup)
	case cfg.hold < 0 || cfg.hold > time.Hour:
		usage("-hold must be 0 to 1h, was %s", cfg.hold)
	case cfg.timeout <= 0 || cfg.timeout > 5*time.Minute:
		usage("-timeout must be more than 0 and at most 5m, was %s", cfg.timeout)
	case flag.NArg() != 1:
		usage("expected one ws:// URL after the flags, got %d arguments", flag.NArg())
	}
	cfg.url = flag.Arg(0)
	if err := loopbackOnly(cfg.url); err != nil {
		usage("%v", err)
	}
	cfg.message = []byte(strings.Repeat("x", cfg.size))
	return cfg
}

// loopbackOnly refuses any target but this machine: a load client must never be pointed elsewhere.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "ws" || u.Host == "" {
		return fmt.Errorf("%q is not a ws:// URL", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%q: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed", raw)
	}
	return nil
}

func usage(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goclient: "+format+" (-h for help)\n", args...)
	os.Exit(2)
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func maxFloat(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
