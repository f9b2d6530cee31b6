package oidcissuer

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Paths served by Handler, relative to the issuer URL.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/.well-known/jwks.json"
)

// Issuer signs ID tokens for one issuer URL.
type Issuer struct {
	url string
	now func() time.Time

	mu   sync.RWMutex
	keys []key // newest last; the newest signs
	// authorize and token are the code flow's endpoints, when the issuer
	// has them (SetEndpoints).
	authorize, token string
}

// SetEndpoints adds an authorization endpoint and a token endpoint for the
// authorization-code flow with PKCE to the discovery document.
func (i *Issuer) SetEndpoints(authorize, token string) {
	i.mu.Lock()
	i.authorize, i.token = authorize, token
	i.mu.Unlock()
}

type key struct {
	id   string
	priv *rsa.PrivateKey
}

// New returns an issuer for url (no trailing slash) with one fresh key. A
// nil now means time.Now.
func New(url string, now func() time.Time) (*Issuer, error) {
	if now == nil {
		now = time.Now
	}
	i := &Issuer{url: strings.TrimRight(url, "/"), now: now}
	if err := i.Rotate(); err != nil {
		return nil, err
	}
	return i, nil
}

// URL is the issuer ("iss") URL.
func (i *Issuer) URL() string { return i.url }

// Rotate makes a new signing key. Earlier keys stay in the JWKS, so tokens
// they signed still verify.
func (i *Issuer) Rotate() error {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("oidc issuer: generate key: %w", err)
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return fmt.Errorf("oidc issuer: key id: %w", err)
	}
	i.mu.Lock()
	i.keys = append(i.keys, key{id: hex.EncodeToString(id), priv: priv})
	i.mu.Unlock()
	return nil
}

// Token describes an ID token to mint.
type Token struct {
	Subject  string
	Audience string
	Email    string
	// HostedDomain is Google's "hd" claim, set for Workspace accounts.
	HostedDomain string
	// Lifetime defaults to one hour.
	Lifetime time.Duration
	// Extra claims, merged last.
	Extra map[string]any
}

// Mint signs an ID token with the newest key.
func (i *Issuer) Mint(t Token) (string, error) {
	i.mu.RLock()
	k := i.keys[len(i.keys)-1]
	i.mu.RUnlock()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.priv},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.id))
	if err != nil {
		return "", fmt.Errorf("oidc issuer: signer: %w", err)
	}
	if t.Lifetime == 0 {
		t.Lifetime = time.Hour
	}
	now := i.now()
	std := jwt.Claims{
		Issuer:   i.url,
		Subject:  t.Subject,
		Audience: jwt.Audience{t.Audience},
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(t.Lifetime)),
	}
	extra := map[string]any{}
	if t.Email != "" {
		extra["email"] = t.Email
		extra["email_verified"] = true
	}
	if t.HostedDomain != "" {
		extra["hd"] = t.HostedDomain
	}
	for k, v := range t.Extra {
		extra[k] = v
	}
	tok, err := jwt.Signed(sig).Claims(std).Claims(extra).Serialize()
	if err != nil {
		return "", fmt.Errorf("oidc issuer: sign: %w", err)
	}
	return tok, nil
}

// Handler serves the discovery document and the JWKS. Mount it at the
// issuer URL's path.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+DiscoveryPath, func(w http.ResponseWriter, r *http.Request) {
		doc := map[string]any{
			"issuer":                                i.url,
			"jwks_uri":                              i.url + JWKSPath,
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"claims_supported":                      []string{"aud", "email", "email_verified", "exp", "hd", "iat", "iss", "sub"},
		}
		i.mu.RLock()
		if i.authorize != "" {
			doc["authorization_endpoint"], doc["token_endpoint"] = i.authorize, i.token
			doc["response_types_supported"] = []string{"code", "id_token"}
			doc["code_challenge_methods_supported"] = []string{"S256"}
			doc["grant_types_supported"] = []string{"authorization_code"}
			doc["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post", "none"}
		}
		i.mu.RUnlock()
		writeJSON(w, doc)
	})
	mux.HandleFunc("GET "+JWKSPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, i.JWKS())
	})
	return mux
}

// JWKS returns the public keys, newest last.
func (i *Issuer) JWKS() jose.JSONWebKeySet {
	i.mu.RLock()
	defer i.mu.RUnlock()
	var set jose.JSONWebKeySet
	for _, k := range i.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.priv.PublicKey, KeyID: k.id, Algorithm: "RS256", Use: "sig"})
	}
	return set
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
