package cloudtasks

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

// idleWait bounds how long the dispatcher sleeps with nothing to do. With an
// injected clock, Server.Tick wakes it after the clock moves.
const idleWait = time.Minute

// run dispatches due tasks until the emulator closes.
func (e *emulator) run(done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.wake:
		case <-timer.C:
		}
		wait := e.dispatchDue()
		timer.Reset(wait)
	}
}

// dispatchDue starts every attempt that is due and allowed by its queue's
// state and limits, and returns how long until another may be.
func (e *emulator) dispatchDue() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	wait := idleWait
	for _, q := range e.queues {
		wait = min(wait, e.dispatchQueue(q, now))
	}
	return wait
}

func (e *emulator) dispatchQueue(q *queue, now time.Time) time.Duration {
	if q.pb.State != pb.Queue_RUNNING {
		return idleWait // ResumeQueue signals
	}
	rates := q.pb.RateLimits
	for q.due.Len() > 0 {
		top := q.due[0]
		if !q.live(top) {
			heap.Pop(&q.due)
			continue
		}
		if top.at.After(now) {
			return top.at.Sub(now)
		}
		if q.running >= int(rates.MaxConcurrentDispatches) {
			return idleWait // a finishing attempt signals
		}
		if ok, wait := q.tokens.take(now, rates.MaxDispatchesPerSecond, rates.MaxBurstSize); !ok {
			return wait
		}
		heap.Pop(&q.due)
		e.startAttempt(q, top.t, now)
	}
	return idleWait
}

// attempt is what one dispatch needs, copied out under the lock.
type attempt struct {
	q        *queue
	t        *task
	number   int32 // dispatch_count after this dispatch
	req      *pb.HttpRequest
	deadline time.Duration
	headers  map[string]string
}

// startAttempt records a dispatch of t and sends it in the background.
// Callers hold e.mu.
func (e *emulator) startAttempt(q *queue, t *task, now time.Time) {
	t.gen++ // a pending schedule entry is void; the outcome reschedules
	t.running++
	q.running++
	p := t.pb
	p.DispatchCount++
	if p.FirstAttempt == nil {
		p.FirstAttempt = &pb.Attempt{DispatchTime: timestamp(now)}
	}
	p.LastAttempt = &pb.Attempt{ScheduleTime: p.ScheduleTime, DispatchTime: timestamp(now)}
	eta := p.ScheduleTime.AsTime()
	h := map[string]string{
		"X-CloudTasks-QueueName":          shortID(q.pb.Name),
		"X-CloudTasks-TaskName":           shortID(p.Name),
		"X-CloudTasks-TaskRetryCount":     strconv.Itoa(int(p.DispatchCount - 1)),
		"X-CloudTasks-TaskExecutionCount": strconv.Itoa(t.executions),
		"X-CloudTasks-TaskETA":            fmt.Sprintf("%d.%06d", eta.Unix(), eta.Nanosecond()/1000),
	}
	if t.prevHTTPStatus != 0 {
		h["X-CloudTasks-TaskPreviousResponse"] = strconv.Itoa(t.prevHTTPStatus)
	}
	if t.prevReason != "" {
		h["X-CloudTasks-TaskRetryReason"] = t.prevReason
	}
	a := attempt{q: q, t: t, number: p.DispatchCount, req: proto.Clone(p.GetHttpRequest()).(*pb.HttpRequest),
		deadline: p.DispatchDeadline.AsDuration(), headers: h}
	if e.closed {
		return
	}
	e.inflight.Add(1)
	e.active.Add(1)
	go func() {
		defer e.inflight.Done()
		defer e.active.Add(-1)
		auth, err := e.authorization(a)
		if err != nil {
			e.finish(a, 0, err)
			return
		}
		// With duplicates on, the same request goes out twice; only the
		// original's answer is the attempt's outcome.
		e.duplicates.Do(func(dup bool) {
			code, err := e.send(a, auth)
			if dup {
				e.log.Debug("cloud tasks duplicate dispatch", "task", a.t.pb.Name, "attempt", a.number, "status", code, "error", err)
				return
			}
			e.finish(a, code, err)
		})
	}()
}

// authorization is the Authorization header of an attempt: a bearer OIDC
// token for the task's oidc_token, or "" for none.
func (e *emulator) authorization(a attempt) (string, error) {
	tok := a.req.GetOidcToken()
	if tok == nil {
		return "", nil
	}
	aud := tok.Audience
	if aud == "" {
		aud = a.req.Url
	}
	jwt, err := e.tokens.token(tok.ServiceAccountEmail, aud)
	if err != nil {
		return "", fmt.Errorf("mint oidc token: %w", err)
	}
	return "Bearer " + jwt, nil
}

// send makes the HTTP request of an attempt with the given Authorization
// header and returns the response status, or an error when no response
// came.
func (e *emulator) send(a attempt, auth string) (int, error) {
	ctx, cancel := context.WithTimeout(e.ctx, a.deadline)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, a.req.HttpMethod.String(), a.req.Url, bytes.NewReader(a.req.Body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	for k, v := range a.req.Headers {
		if !reservedHeader(k) {
			req.Header.Set(k, v)
		}
	}
	for k, v := range a.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "Google-Cloud-Tasks")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// finish records the outcome of an attempt: a 2xx deletes the task, other
// outcomes retry it after the backoff until its retries are exhausted.
func (e *emulator) finish(a attempt, code int, sendErr error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.signal()
	a.t.running--
	a.q.running--
	if e.queues[a.q.pb.Name] != a.q || a.q.tasks[a.t.pb.Name] != a.t {
		return // deleted, purged or its queue deleted meanwhile
	}
	now := e.now()
	p := a.t.pb
	st, reason := attemptStatus(code, sendErr, a.deadline)
	if sendErr == nil {
		p.ResponseCount++
		if code < 500 {
			a.t.executions++
		}
	}
	if a.number == p.DispatchCount {
		p.LastAttempt.ResponseTime = timestamp(now)
		p.LastAttempt.ResponseStatus = st
	}
	e.log.Debug("cloud tasks dispatch", "task", p.Name, "attempt", a.number, "status", code, "error", sendErr)
	if st.Code == int32(codes.OK) {
		e.remove(a.q, a.t, now)
		return
	}
	a.t.prevHTTPStatus, a.t.prevReason = code, reason
	retry := p.RetryConfig
	if retry == nil {
		retry = a.q.pb.RetryConfig
	}
	if retriesExhausted(retry, int(p.DispatchCount), p.FirstAttempt.DispatchTime.AsTime(), now) {
		e.remove(a.q, a.t, now)
		return
	}
	if a.t.running == 0 {
		e.schedule(a.q, a.t, now.Add(retryDelay(retry, int(p.DispatchCount))))
	}
}

// attemptStatus is the Attempt.response_status of an outcome and the retry
// reason the next attempt's X-CloudTasks-TaskRetryReason carries.
func attemptStatus(code int, err error, deadline time.Duration) (*status.Status, string) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &status.Status{Code: int32(codes.DeadlineExceeded), Message: fmt.Sprintf("no response within the dispatch deadline of %v", deadline)}, "DEADLINE_EXCEEDED"
	case err != nil:
		return &status.Status{Code: int32(codes.Unavailable), Message: err.Error()}, "UNAVAILABLE"
	}
	c := codeForHTTP(code)
	return &status.Status{Code: int32(c), Message: fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))}, "HTTP_" + strconv.Itoa(code)
}
