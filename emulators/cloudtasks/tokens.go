package cloudtasks

import (
	"sync"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// A minted token lives one hour; the emulator reuses it for dispatches of
// the same account and audience for tokenReuse, so every dispatch carries a
// token with at least 50 minutes left, without an RSA signature each.
const (
	tokenReuse     = 10 * time.Minute
	maxCachedPairs = 1024
)

// tokens mints and caches the OIDC tokens of dispatches.
type tokens struct {
	issuer *oidcissuer.Issuer

	mu sync.Mutex
	m  map[[2]string]mintedToken
}

type mintedToken struct {
	jwt string
	at  time.Time
}

func newTokens(iss *oidcissuer.Issuer) *tokens {
	return &tokens{issuer: iss, m: map[[2]string]mintedToken{}}
}

// token returns an ID token for account (email and sub) and audience.
func (c *tokens) token(account, audience string) (string, error) {
	key := [2]string{account, audience}
	now := time.Now() // tokens are verified in real time
	c.mu.Lock()
	t, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(t.at) < tokenReuse {
		return t.jwt, nil
	}
	jwt, err := c.issuer.Mint(oidcissuer.Token{Subject: account, Email: account, Audience: audience})
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedPairs {
		clear(c.m)
	}
	c.m[key] = mintedToken{jwt: jwt, at: now}
	c.mu.Unlock()
	return jwt, nil
}
