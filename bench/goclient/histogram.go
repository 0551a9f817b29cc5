package main

import (
	"math"
	"sync/atomic"
	"time"
)

// The same buckets as the Java client's LatencyHistogram, so that the two clients' percentiles read alike:
// 1 µs resolution up to 10 ms, 100 µs up to about 10 s, anything slower in the last bucket.
const (
	fineMicros       = 10_000
	coarseStepMicros = 100
	coarseBuckets    = 100_000
)

// histogram counts round trips from every connection's goroutine without a lock; fixed size, so recording
// allocates nothing and a long run cannot grow it.
type histogram struct {
	counts [fineMicros + coarseBuckets]atomic.Uint64
}

func (h *histogram) record(d time.Duration) {
	micros := d.Microseconds()
	if micros < 0 {
		micros = 0
	}
	index := int(micros)
	if micros >= fineMicros {
		index = fineMicros + int(minInt64((micros-fineMicros)/coarseStepMicros, coarseBuckets-1))
	}
	h.counts[index].Add(1)
}

func (h *histogram) count() uint64 {
	var total uint64
	for i := range h.counts {
		total += h.counts[i].Load()
	}
	return total
}

// percentile is the latency below which p % of the samples fall (its bucket's lower bound); 0 if none.
func (h *histogram) percentile(p float64) time.Duration {
	total := h.count()
	if total == 0 {
		return 0
	}
	rank := uint64(math.Max(1, math.Ceil(float64(total)*p/100)))
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			micros := int64(i)
			if i >= fineMicros {
				micros = fineMicros + int64(i-fineMicros)*coarseStepMicros
			}
			return time.Duration(micros) * time.Microsecond
		}
	}
	return 0 // not reached: rank ≤ total
}

func minInt64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
