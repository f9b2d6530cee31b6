package workspace

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// KeySigner signs with a service account key file's private key. It is
// for the local stack, whose Workspace emulator hands out such a key in
// place of IAM Credentials; production never holds a key (see IAMSigner).
type KeySigner struct {
	signer jose.Signer
	email  string
}

// NewKeySigner reads a service account key file (JSON).
func NewKeySigner(keyJSON []byte) (*KeySigner, error) {
	var f struct {
		PrivateKey   string `json:"private_key"`
		PrivateKeyID string `json:"private_key_id"`
		ClientEmail  string `json:"client_email"`
	}
	if err := json.Unmarshal(keyJSON, &f); err != nil {
		return nil, fmt.Errorf("service account key: %w", err)
	}
	block, _ := pem.Decode([]byte(f.PrivateKey))
	if block == nil {
		return nil, errors.New("service account key: no PEM private key")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("service account key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("service account key: not an RSA key")
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", f.PrivateKeyID)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		return nil, fmt.Errorf("service account key: %w", err)
	}
	return &KeySigner{signer: s, email: f.ClientEmail}, nil
}

// Email is the service account the key belongs to.
func (k *KeySigner) Email() string { return k.email }

// SignJWT implements Signer.
func (k *KeySigner) SignJWT(_ context.Context, claims string) (string, error) {
	obj, err := k.signer.Sign([]byte(claims))
	if err != nil {
		return "", fmt.Errorf("sign assertion: %w", err)
	}
	return obj.CompactSerialize()
}
