package workspace

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"
)

// urlSigner is the service account that signs download URLs locally, as
// StartExport's own service account does in production.
const urlSigner = "orgexport-start-export@orgexport-local.iam.gserviceaccount.com"

// URLSigner is the service account whose signBlob the emulator serves:
// set it as ORGEXPORT_URL_SIGNER.
func (s *Server) URLSigner() string { return urlSigner }

// URLSignerKey is the public key of URLSigner, to check signatures made
// with signBlob (Google publishes a service account's public keys; the
// Cloud Storage emulator does not check them).
func (s *Server) URLSignerKey() (*rsa.PublicKey, error) {
	k, err := s.signerKey()
	if err != nil {
		return nil, err
	}
	return &k.PublicKey, nil
}

// lazyKey is a service account's key, made on first use and shared by
// every organisation's view.
type lazyKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}

func (s *Server) signerKey() (*rsa.PrivateKey, error) {
	k := s.urlSigner
	k.once.Do(func() { k.key, k.err = newSAKey() })
	return k.key, k.err
}

// serveSignBlob is IAM Credentials' projects.serviceAccounts.signBlob for
// URLSigner: RSA PKCS #1 v1.5 with SHA-256 over the payload, as Google
// signs (and as V4 signed URLs need).
func (s *Server) serveSignBlob(w http.ResponseWriter, r *http.Request, name string) {
	if name != urlSigner {
		writeJSONStatus(w, http.StatusForbidden, obj{"error": obj{"code": 403, "status": "PERMISSION_DENIED",
			"message": "Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist): " + name}})
		return
	}
	var req struct {
		Payload string `json:"payload"`
	}
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req)
	payload, derr := base64.StdEncoding.DecodeString(req.Payload)
	if err != nil || derr != nil || len(payload) == 0 {
		writeJSONStatus(w, http.StatusBadRequest, obj{"error": obj{"code": 400, "status": "INVALID_ARGUMENT",
			"message": "payload must be non-empty base64"}})
		return
	}
	key, err := s.signerKey()
	if err == nil {
		sum := sha256.Sum256(payload)
		var sig []byte
		if sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:]); err == nil {
			writeJSONStatus(w, http.StatusOK, obj{"keyId": "emulator-url-signer", "signedBlob": base64.StdEncoding.EncodeToString(sig)})
			return
		}
	}
	writeJSONStatus(w, http.StatusInternalServerError, obj{"error": obj{"code": 500, "status": "INTERNAL", "message": err.Error()}})
}
