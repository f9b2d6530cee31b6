package workspace

import (
	"encoding/json"
	"iter"
	"net/http"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// Accounts lists every account of the organisation with its creation time.
func (s *Server) Accounts() []synth.TruthAccount { return s.org.Accounts() }

// Truth yields what a complete export of the account must contain; items
// named in the faults' FailItems are marked AlwaysFails, beside those the
// organisation cannot serve at all (a Doc without any way to export it);
// a product the faults' ProductsOff turn off for the user has no items.
func (s *Server) Truth(accountID string) iter.Seq[synth.TruthItem] {
	return func(yield func(synth.TruthItem) bool) {
		off := s.faults.get().ProductsOff[accountID]
		for it := range s.org.Truth(accountID) {
			if turnedOff(off, it.Product) {
				continue
			}
			it.AlwaysFails = it.AlwaysFails || s.faults.failing(it.ItemID)
			if !yield(it) {
				return
			}
		}
	}
}

// Faults returns the current fault configuration.
func (s *Server) Faults() Faults { return s.faults.get() }

// SetFaults replaces the fault configuration.
func (s *Server) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.faults.set(f)
	return nil
}

type accountJSON struct {
	Type      export.AccountType `json:"type"`
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Kind      string             `json:"kind,omitempty"`
	Created   time.Time          `json:"created"`
	Ownerless bool               `json:"ownerless,omitempty"`
	Suspended bool               `json:"suspended,omitempty"`
}

func (s *Server) emulatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /emulator/truth", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		for _, a := range s.org.Accounts() {
			_ = enc.Encode(accountJSON(a))
		}
	})
	mux.HandleFunc("GET /emulator/truth/{account}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		for it := range s.Truth(r.PathValue("account")) {
			if enc.Encode(it) != nil || r.Context().Err() != nil {
				return
			}
		}
	})
	// ID tokens for the dev stack's sign-in: email and audience (client id).
	mux.HandleFunc("POST /emulator/idtoken", func(w http.ResponseWriter, r *http.Request) {
		tok, err := s.MintIDToken(r.FormValue("email"), r.FormValue("audience"))
		if err != nil || r.FormValue("audience") == "" {
			writeError(w, badRequest("idtoken: need the email of a user of the organisation and an audience"))
			return
		}
		writeJSONStatus(w, http.StatusOK, obj{"id_token": tok})
	})
	mux.HandleFunc("GET /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSONStatus(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("PUT /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			writeError(w, badRequest("faults: "+err.Error()))
			return
		}
		if err := s.SetFaults(f); err != nil {
			writeError(w, badRequest(err.Error()))
			return
		}
		writeJSONStatus(w, http.StatusOK, f)
	})
}
