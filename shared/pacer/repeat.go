package pacer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrAnswerLost: a call that is not idempotent got no answer (the
// connection dropped, the answer was cut off, or the server failed), so it
// may or may not have taken effect, and it was not sent again. The caller
// reads the resource's state to know.
var ErrAnswerLost = errors.New("the answer to a call that is not idempotent was lost")

// ErrApplied: a call that is not idempotent lost its answer, and its check
// says it took effect; it was not sent again.
var ErrApplied = errors.New("the call took effect, though its answer was lost")

// A refusal (429, a rate limit) says the call did not take effect, so any
// call is sent again after one. A lost answer says nothing: a GET or HEAD
// is sent again, but a create, a close or a delete could take effect twice
// (a second matter, a refused second delete). Such a call is sent again
// only when its context carries a check that says it did not take effect.

type checkKey struct{}

// Check returns ctx for calls that are not idempotent but may be sent again
// after a lost answer if applied, which reads the resource's state, says
// they did not take effect. When applied says they did, the call returns
// ErrApplied.
func Check(ctx context.Context, applied func(ctx context.Context) (bool, error)) context.Context {
	return context.WithValue(ctx, checkKey{}, applied)
}

// repeatable says whether req may be sent again after a lost answer: nil,
// or the error to return instead.
func repeatable(ctx context.Context, req *http.Request) error {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut:
		return nil // reads, and PUT's full replacement, have the same effect twice
	}
	applied, _ := ctx.Value(checkKey{}).(func(context.Context) (bool, error))
	if applied == nil {
		return fmt.Errorf("%w: %s %s", ErrAnswerLost, req.Method, req.URL.Path)
	}
	done, err := applied(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %s %s, and its state could not be read: %v", ErrAnswerLost, req.Method, req.URL.Path, err)
	case done:
		return fmt.Errorf("%w: %s %s", ErrApplied, req.Method, req.URL.Path)
	}
	return nil
}
