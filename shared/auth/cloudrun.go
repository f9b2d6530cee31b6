package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// SignatureRemoved is what Cloud Run puts in place of an ID token's
// signature when it has verified the token itself, before the request
// reaches a service that requires IAM.
const SignatureRemoved = "SIGNATURE_REMOVED_BY_GOOGLE"

// ServerlessAuthorization is the header Cloud Run reads in preference to
// Authorization when both are present.
const ServerlessAuthorization = "X-Serverless-Authorization"

// unsigned reports whether raw is a token whose signature Cloud Run removed.
func unsigned(raw string) bool {
	return strings.Count(raw, ".") == 2 && strings.HasSuffix(raw, "."+SignatureRemoved)
}

// verifyBehindIAM checks a token whose signature Cloud Run removed: Cloud
// Run verified the signature and that the caller is an invoker; the code
// still checks issuer, audience, expiry and the expected caller, so a token
// for another function or a stale one is refused. Only a Verifier built
// with Options.BehindCloudRunIAM gets here.
func (v *Verifier) verifyBehindIAM(raw string) (Principal, error) {
	parts := strings.Split(raw, ".")
	var h struct {
		Alg string `json:"alg"`
	}
	var c struct {
		Iss           string          `json:"iss"`
		Sub           string          `json:"sub"`
		Aud           json.RawMessage `json:"aud"`
		Exp           *float64        `json:"exp"`
		Email         string          `json:"email"`
		EmailVerified *bool           `json:"email_verified"`
		HD            string          `json:"hd"`
	}
	if decodeSegment(parts[0], &h) != nil || decodeSegment(parts[1], &c) != nil {
		return Principal{}, fmt.Errorf("%w: the token is malformed", ErrUnauthenticated)
	}
	switch {
	case h.Alg != "RS256":
		return Principal{}, fmt.Errorf("%w: the token is malformed or not correctly signed", ErrUnauthenticated)
	case c.Iss != v.issuer:
		return Principal{}, fmt.Errorf("%w: the token was issued by another issuer", ErrUnauthenticated)
	case !slices.Contains(audiences(c.Aud), v.audience):
		return Principal{}, fmt.Errorf("%w: the token was issued for another audience", ErrUnauthenticated)
	case c.Exp == nil || float64(v.now().Unix()) >= *c.Exp:
		return Principal{}, fmt.Errorf("%w: the token has expired; sign in again", ErrUnauthenticated)
	case c.Email == "" || (c.EmailVerified != nil && !*c.EmailVerified):
		return Principal{}, fmt.Errorf("%w: the token has no verified email", ErrUnauthenticated)
	}
	return v.admit(Principal{Subject: c.Sub, Email: strings.ToLower(c.Email), HostedDomain: strings.ToLower(c.HD)})
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// audiences reads "aud", a string or a list of strings.
func audiences(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// token returns the bearer token of r that this verifier checks. Behind
// Cloud Run IAM it is the one Cloud Run checked: X-Serverless-Authorization
// when present, else Authorization. Otherwise only Authorization counts.
func (v *Verifier) token(r *http.Request) (string, bool) {
	if v.behindIAM && r.Header.Get(ServerlessAuthorization) != "" {
		return bearer(r.Header.Get(ServerlessAuthorization))
	}
	return bearer(r.Header.Get("Authorization"))
}
