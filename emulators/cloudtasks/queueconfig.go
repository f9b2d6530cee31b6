package cloudtasks

import (
	"math"
	"strings"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Queue defaults and limits of the service for queues made through the API.
const (
	defaultRate        = 500.0
	defaultRateCeiling = 500.0
	defaultConcurrent  = 1000
	maxConcurrent      = 5000
	defaultMaxAttempts = 100
	defaultMinBackoff  = 100 * time.Millisecond
	defaultMaxBackoff  = time.Hour
	defaultDoublings   = 16
)

// burstFor is the bucket size the emulator picks for a rate: a fifth of a
// second's worth of dispatches, at least one and at most 500 (the service's
// maximum); 100 at the default rate, as the service reports for a default
// queue.
func burstFor(rate float64) int32 {
	return int32(min(500, max(1, math.Ceil(rate/5))))
}

// normalizeRates fills defaults into r and checks its limits.
func normalizeRates(r *pb.RateLimits, ceiling float64) (*pb.RateLimits, error) {
	out := &pb.RateLimits{MaxDispatchesPerSecond: defaultRate, MaxConcurrentDispatches: defaultConcurrent}
	if r != nil {
		if r.MaxDispatchesPerSecond < 0 || r.MaxDispatchesPerSecond > ceiling {
			return nil, status.Errorf(codes.InvalidArgument, "rate_limits.max_dispatches_per_second must be in (0, %v], got %v", ceiling, r.MaxDispatchesPerSecond)
		}
		if r.MaxConcurrentDispatches < 0 || r.MaxConcurrentDispatches > maxConcurrent {
			return nil, status.Errorf(codes.InvalidArgument, "rate_limits.max_concurrent_dispatches must be in (0, %d], got %d", maxConcurrent, r.MaxConcurrentDispatches)
		}
		if r.MaxDispatchesPerSecond > 0 {
			out.MaxDispatchesPerSecond = r.MaxDispatchesPerSecond
		}
		if r.MaxConcurrentDispatches > 0 {
			out.MaxConcurrentDispatches = r.MaxConcurrentDispatches
		}
	}
	out.MaxBurstSize = burstFor(out.MaxDispatchesPerSecond) // output only
	return out, nil
}

// normalizeRetry fills defaults into c and checks it.
func normalizeRetry(c *pb.RetryConfig) (*pb.RetryConfig, error) {
	out := &pb.RetryConfig{
		MaxAttempts:      defaultMaxAttempts,
		MaxRetryDuration: durationpb.New(0),
		MinBackoff:       durationpb.New(defaultMinBackoff),
		MaxBackoff:       durationpb.New(defaultMaxBackoff),
		MaxDoublings:     defaultDoublings,
	}
	if c == nil {
		return out, nil
	}
	if c.MaxAttempts < -1 {
		return nil, status.Errorf(codes.InvalidArgument, "retry_config.max_attempts must be -1 (unlimited) or more, got %d", c.MaxAttempts)
	}
	if c.MaxDoublings < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "retry_config.max_doublings must not be negative, got %d", c.MaxDoublings)
	}
	if c.MaxAttempts != 0 {
		out.MaxAttempts = c.MaxAttempts
	}
	if c.MaxDoublings != 0 {
		out.MaxDoublings = c.MaxDoublings
	}
	for _, f := range []struct {
		name string
		in   *durationpb.Duration
		out  **durationpb.Duration
	}{
		{"max_retry_duration", c.MaxRetryDuration, &out.MaxRetryDuration},
		{"min_backoff", c.MinBackoff, &out.MinBackoff},
		{"max_backoff", c.MaxBackoff, &out.MaxBackoff},
	} {
		if f.in == nil {
			continue
		}
		if f.in.CheckValid() != nil || f.in.AsDuration() < 0 {
			return nil, status.Errorf(codes.InvalidArgument, "retry_config.%s is not a valid non-negative duration", f.name)
		}
		if f.in.AsDuration() > 0 || f.name == "max_retry_duration" {
			*f.out = durationpb.New(f.in.AsDuration())
		}
	}
	if out.MinBackoff.AsDuration() > out.MaxBackoff.AsDuration() {
		return nil, status.Errorf(codes.InvalidArgument, "retry_config.min_backoff (%v) is greater than max_backoff (%v)",
			out.MinBackoff.AsDuration(), out.MaxBackoff.AsDuration())
	}
	return out, nil
}

// applyQueueUpdate merges the fields of in named by mask into cur (all
// fields when the mask is empty) and returns the normalized result.
func applyQueueUpdate(cur, in *pb.Queue, mask *fieldmaskpb.FieldMask, ceiling float64) (*pb.Queue, error) {
	next := &pb.Queue{
		Name:                     cur.GetName(),
		RateLimits:               cur.GetRateLimits(),
		RetryConfig:              cur.GetRetryConfig(),
		StackdriverLoggingConfig: cur.GetStackdriverLoggingConfig(),
		State:                    cur.GetState(),
		PurgeTime:                cur.GetPurgeTime(),
	}
	paths := mask.GetPaths()
	if len(paths) == 0 {
		paths = []string{"rate_limits", "retry_config", "stackdriver_logging_config", "http_target", "app_engine_routing_override"}
	}
	for _, p := range paths {
		if err := applyPath(next, in, p); err != nil {
			return nil, err
		}
	}
	return normalizeQueue(next, ceiling)
}

func applyPath(next, in *pb.Queue, path string) error {
	switch path {
	case "rate_limits":
		next.RateLimits = in.GetRateLimits()
	case "rate_limits.max_dispatches_per_second", "rate_limits.max_concurrent_dispatches":
		r := cloneRates(next.RateLimits)
		if path == "rate_limits.max_dispatches_per_second" {
			r.MaxDispatchesPerSecond = in.GetRateLimits().GetMaxDispatchesPerSecond()
		} else {
			r.MaxConcurrentDispatches = in.GetRateLimits().GetMaxConcurrentDispatches()
		}
		next.RateLimits = r
	case "retry_config":
		next.RetryConfig = in.GetRetryConfig()
	case "stackdriver_logging_config":
		next.StackdriverLoggingConfig = in.GetStackdriverLoggingConfig()
	case "http_target", "app_engine_routing_override":
		if in.GetHttpTarget() != nil || in.GetAppEngineRoutingOverride() != nil {
			return status.Errorf(codes.Unimplemented, "the emulator does not support queue-level %s; set the target on each task", path)
		}
	case "max_burst_size", "rate_limits.max_burst_size", "state", "purge_time", "name":
		return status.Errorf(codes.InvalidArgument, "field %q cannot be updated", path)
	default:
		if field, ok := strings.CutPrefix(path, "retry_config."); ok {
			r, err := mergeRetryField(next.RetryConfig, in.GetRetryConfig(), field)
			next.RetryConfig = r
			return err
		}
		return status.Errorf(codes.InvalidArgument, "unknown update_mask path %q", path)
	}
	return nil
}

func cloneRates(r *pb.RateLimits) *pb.RateLimits {
	if r == nil {
		return &pb.RateLimits{}
	}
	return &pb.RateLimits{MaxDispatchesPerSecond: r.MaxDispatchesPerSecond, MaxConcurrentDispatches: r.MaxConcurrentDispatches}
}

func mergeRetryField(cur, in *pb.RetryConfig, field string) (*pb.RetryConfig, error) {
	out := &pb.RetryConfig{}
	if cur != nil {
		*out = pb.RetryConfig{MaxAttempts: cur.MaxAttempts, MaxRetryDuration: cur.MaxRetryDuration,
			MinBackoff: cur.MinBackoff, MaxBackoff: cur.MaxBackoff, MaxDoublings: cur.MaxDoublings}
	}
	switch field {
	case "max_attempts":
		out.MaxAttempts = in.GetMaxAttempts()
	case "max_retry_duration":
		out.MaxRetryDuration = in.GetMaxRetryDuration()
	case "min_backoff":
		out.MinBackoff = in.GetMinBackoff()
	case "max_backoff":
		out.MaxBackoff = in.GetMaxBackoff()
	case "max_doublings":
		out.MaxDoublings = in.GetMaxDoublings()
	default:
		return nil, status.Errorf(codes.InvalidArgument, "unknown update_mask path %q", "retry_config."+field)
	}
	return out, nil
}

// normalizeQueue validates q's settings and fills in defaults.
func normalizeQueue(q *pb.Queue, ceiling float64) (*pb.Queue, error) {
	if q.GetHttpTarget() != nil || q.GetAppEngineRoutingOverride() != nil {
		return nil, status.Error(codes.Unimplemented, "the emulator does not support queue-level http_target or app_engine_routing_override; set the target on each task")
	}
	rates, err := normalizeRates(q.GetRateLimits(), ceiling)
	if err != nil {
		return nil, err
	}
	retry, err := normalizeRetry(q.GetRetryConfig())
	if err != nil {
		return nil, err
	}
	out := &pb.Queue{
		Name:                     q.GetName(),
		RateLimits:               rates,
		RetryConfig:              retry,
		StackdriverLoggingConfig: q.GetStackdriverLoggingConfig(),
		State:                    q.GetState(),
		PurgeTime:                q.GetPurgeTime(),
	}
	if out.State == pb.Queue_STATE_UNSPECIFIED {
		out.State = pb.Queue_RUNNING
	}
	return out, nil
}
