// Package signedurltest checks V4 signed URLs as Cloud Storage does, for
// tests: the Cloud Storage emulator (fake-gcs-server) serves a signed URL
// without looking at its signature or expiry.
package signedurltest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Check verifies a V4 (GOOG4-RSA-SHA256) signed GET URL against the
// signer's public key: the signature over the canonical request, that the
// credential names account, and that at now the URL is valid and lives at
// most maxLife.
func Check(raw, account string, key *rsa.PublicKey, now time.Time, maxLife time.Duration) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	q := u.Query()
	if q.Get("X-Goog-Algorithm") != "GOOG4-RSA-SHA256" {
		return fmt.Errorf("algorithm %q", q.Get("X-Goog-Algorithm"))
	}
	cred := strings.SplitN(q.Get("X-Goog-Credential"), "/", 2)
	if len(cred) != 2 || cred[0] != account {
		return fmt.Errorf("credential %q is not %s's", q.Get("X-Goog-Credential"), account)
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Goog-Date"))
	if err != nil {
		return fmt.Errorf("X-Goog-Date: %w", err)
	}
	life, err := strconv.Atoi(q.Get("X-Goog-Expires"))
	if err != nil || life <= 0 {
		return fmt.Errorf("X-Goog-Expires %q", q.Get("X-Goog-Expires"))
	}
	switch {
	case time.Duration(life)*time.Second > maxLife:
		return fmt.Errorf("lives %ds, more than %s", life, maxLife)
	case now.Before(signed.Add(-time.Minute)) || !now.Before(signed.Add(time.Duration(life)*time.Second)):
		return errors.New("expired or not yet valid")
	}
	sig, err := hex.DecodeString(q.Get("X-Goog-Signature"))
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	q.Del("X-Goog-Signature")
	headers := q.Get("X-Goog-SignedHeaders")
	if headers != "host" {
		return fmt.Errorf("signed headers %q, want host", headers)
	}
	canonical := strings.Join([]string{
		"GET",
		u.EscapedPath(),
		strings.ReplaceAll(q.Encode(), "+", "%20"),
		"host:" + u.Hostname() + "\n",
		headers,
		"UNSIGNED-PAYLOAD",
	}, "\n")
	digest := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{"GOOG4-RSA-SHA256", q.Get("X-Goog-Date"), cred[1], hex.EncodeToString(digest[:])}, "\n")
	sum := sha256.Sum256([]byte(toSign))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("signature does not verify: %w", err)
	}
	return nil
}
