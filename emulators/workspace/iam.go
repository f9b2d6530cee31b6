package workspace

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// serveSignJwt is IAM Credentials' projects.serviceAccounts.signJwt for the
// delegation service account, so the code that signs delegation assertions
// keylessly in production (IAM Credentials) runs unchanged here: only the
// endpoint differs.
func (s *Server) serveSignJwt(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutSuffix(r.PathValue("account"), ":signBlob"); ok {
		s.serveSignBlob(w, r, name)
		return
	}
	name, ok := strings.CutSuffix(r.PathValue("account"), ":signJwt")
	if !ok {
		writeJSONStatus(w, http.StatusNotFound, obj{"error": obj{"code": 404, "message": "Not found", "status": "NOT_FOUND"}})
		return
	}
	if name != serviceAccount {
		writeJSONStatus(w, http.StatusForbidden, obj{"error": obj{"code": 403, "status": "PERMISSION_DENIED",
			"message": "Permission 'iam.serviceAccounts.signJwt' denied on resource (or it may not exist): " + name}})
		return
	}
	var req struct {
		Payload string `json:"payload"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil || !json.Valid([]byte(req.Payload)) {
		writeJSONStatus(w, http.StatusBadRequest, obj{"error": obj{"code": 400, "status": "INVALID_ARGUMENT",
			"message": "payload must be a JSON claim set"}})
		return
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: s.saKey},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "emulator"))
	if err == nil {
		var jws *jose.JSONWebSignature
		if jws, err = signer.Sign([]byte(req.Payload)); err == nil {
			var compact string
			if compact, err = jws.CompactSerialize(); err == nil {
				writeJSONStatus(w, http.StatusOK, obj{"keyId": "emulator", "signedJwt": compact})
				return
			}
		}
	}
	writeJSONStatus(w, http.StatusInternalServerError, obj{"error": obj{"code": 500, "status": "INTERNAL", "message": err.Error()}})
}

// DelegationAccount is the service account the emulator accepts delegation
// assertions from: set it as ORGEXPORT_DELEGATION_SERVICE_ACCOUNT.
func (s *Server) DelegationAccount() string { return serviceAccount }

// DelegationClientID is the delegation account's OAuth client id, as the
// Admin console's domain-wide delegation names it: set it as
// ORGEXPORT_DELEGATION_CLIENT_ID.
func (s *Server) DelegationClientID() string { return delegationClientID }
