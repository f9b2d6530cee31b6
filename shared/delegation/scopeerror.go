package delegation

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/shared/pacer"
)

// ErrScopeNotAuthorised marks a token Google would not issue because the
// organisation's domain-wide delegation entry lacks a scope the API needs
// (the token endpoint's unauthorized_client). Errors matching it are
// *ScopeError, which names the scopes and the fix.
var ErrScopeNotAuthorised = errors.New("domain-wide delegation lacks a scope")

// ScopeError says which scopes the Admin console's domain-wide delegation
// entry lacks for the client id, so an administrator can add them. It
// matches ErrScopeNotAuthorised and pacer.ErrNoToken: no call of the API
// can succeed until the scope is added, so it is not retried.
type ScopeError struct {
	// API is the API whose token was refused (APIGmail, …).
	API string
	// Missing are the API's scopes the entry lacks.
	Missing []string
	// ClientID is the delegation account's client id (Factory.ClientID).
	ClientID string
	// Subject is the user the token was asked for.
	Subject string
}

func (e *ScopeError) Error() string {
	return e.Lacks() + " — add it in Admin console → Security → API controls"
}

// Lacks says what is missing, without the fix: "domain-wide delegation
// lacks scope X for client id Y".
func (e *ScopeError) Lacks() string {
	noun := "scope"
	if len(e.Missing) > 1 {
		noun = "scopes"
	}
	return fmt.Sprintf("domain-wide delegation lacks %s %s for client id %s", noun, strings.Join(e.Missing, ", "), e.ClientID)
}

// NotAuthorised implements connector.NotAuthorised: the reason a product
// of the API is unsupported, with the fix.
func (e *ScopeError) NotAuthorised() string { return e.Error() }

// Unwrap lets errors.Is find ErrScopeNotAuthorised and pacer.ErrNoToken.
func (e *ScopeError) Unwrap() []error { return []error{ErrScopeNotAuthorised, pacer.ErrNoToken} }

// refusalTTL is how long a refused scope set is not asked for again: the
// delegation entry is the organisation's, not the user's, so every other
// subject would be refused too. An administrator who adds the scope waits
// at most this long (beyond Google's own propagation).
const refusalTTL = time.Minute

// refusals remembers scope sets the token endpoint refused.
type refusals struct {
	now      func() time.Time
	mu       sync.Mutex
	byScopes map[string]refusal
}

type refusal struct {
	err   *ScopeError
	until time.Time
}

// get returns the scope set's recent refusal, as one for subject, or nil.
func (r *refusals) get(scopes []string, subject string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	x, ok := r.byScopes[strings.Join(scopes, " ")]
	if !ok || !r.now().Before(x.until) {
		return nil
	}
	se := *x.err
	se.Subject = subject
	return &se
}

func (r *refusals) put(scopes []string, err *ScopeError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byScopes[strings.Join(scopes, " ")] = refusal{err: err, until: r.now().Add(refusalTTL)}
}
