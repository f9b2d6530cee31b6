package cloudtasks

import (
	"math"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
)

// retryDelay is the wait before retry number n (n = 1 after the first failed
// attempt). The interval starts at min_backoff, doubles max_doublings times,
// then grows linearly by the last doubled interval, and is capped at
// max_backoff: with 10s, 300s and 3 doublings the retries wait 10s, 20s, 40s,
// 80s, 160s, 240s, 300s, 300s, ...
func retryDelay(c *pb.RetryConfig, n int) time.Duration {
	lo := c.GetMinBackoff().AsDuration().Seconds()
	hi := c.GetMaxBackoff().AsDuration().Seconds()
	d := float64(c.GetMaxDoublings())
	k := float64(max(n, 1))
	var s float64
	if k-1 <= d {
		s = lo * math.Pow(2, k-1)
	} else {
		s = lo * math.Pow(2, d) * (k - d)
	}
	if s > hi || math.IsInf(s, 0) || math.IsNaN(s) {
		s = hi
	}
	return time.Duration(s * float64(time.Second))
}

// retriesExhausted reports whether a task that failed its attempt number
// attempts, the first made at first, gets no more. The service stops once
// both limits are reached: max_attempts attempts made (-1: no limit) and
// max_retry_duration passed since the first attempt (0: no limit); with
// neither limit set it retries forever.
func retriesExhausted(c *pb.RetryConfig, attempts int, first, now time.Time) bool {
	limit := int(c.GetMaxAttempts())
	age := c.GetMaxRetryDuration().AsDuration()
	if limit < 0 && age <= 0 {
		return false
	}
	return (limit < 0 || attempts >= limit) && (age <= 0 || now.Sub(first) >= age)
}

// bucket is a token bucket of the queue's rate limits, on the emulator's
// clock.
type bucket struct {
	tokens float64
	last   time.Time
}

// take removes a token if one is available at now and otherwise returns how
// long until one is.
func (b *bucket) take(now time.Time, rate float64, burst int32) (bool, time.Duration) {
	if b.last.IsZero() {
		b.tokens, b.last = float64(burst), now
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(float64(burst), b.tokens+el*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, max(wait, time.Millisecond)
}
