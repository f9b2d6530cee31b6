package workspace

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// Several organisations share one server, as every Google customer shares
// Google's endpoints. Each organisation has its own view of the server (a
// *Server holding that organisation, its faults and its routes) while the
// listener, the token keys and the OIDC issuer are shared. An API request
// is routed by the subject of its access token: the subject's domain names
// the organisation, and "my_customer" then means that one. A request
// without a valid token goes to the first organisation and is refused
// there, so an unknown token and a foreign one look the same.

// addTenants builds the views of cfg.Orgs beside s's own.
func (s *Server) addTenants(cfg Config) error {
	s.mux = s.routes()
	s.tenants = []*Server{s}
	s.operators = make([]string, len(cfg.Operators))
	for i, op := range cfg.Operators {
		s.operators[i] = strings.ToLower(op)
	}
	seen := map[string]bool{strings.ToLower(s.org.Options().Domain): true}
	for _, org := range cfg.Orgs {
		if org == nil {
			return fmt.Errorf("workspace emulator: a nil organisation in Config.Orgs")
		}
		domain := strings.ToLower(org.Options().Domain)
		if seen[domain] {
			return fmt.Errorf("workspace emulator: organisations need distinct domains (%s twice)", domain)
		}
		seen[domain] = true
		t := &Server{org: org, log: s.log, now: s.now, url: s.url, issuer: s.issuer, saKey: s.saKey, macKey: s.macKey,
			userSorts: sortUsers(org.Users()), faults: newFaultState(Faults{}, org.Options().Seed), signin: s.signin, urlSigner: s.urlSigner, quotas: s.quotas}
		t.mux = t.routes()
		s.tenants = append(s.tenants, t)
	}
	for _, t := range s.tenants[1:] {
		t.tenants, t.operators = s.tenants, s.operators
	}
	return nil
}

// dispatch sends a request to the organisation of its token's subject.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	target := s
	if sub, _, ok := s.accessSubject(r.Header.Get("Authorization")); ok {
		if t, ok := s.tenantOf(sub); ok {
			target = t
		}
	} else if d := r.URL.Query().Get("organisation"); d != "" && strings.HasPrefix(r.URL.Path, "/emulator/") {
		if t, ok := s.Tenant(d); ok {
			target = t
		}
	}
	target.mux.ServeHTTP(w, r)
}

// Tenant returns the view of the organisation on domain: its Org, Truth,
// Accounts and faults. ok is false when no organisation has that domain.
func (s *Server) Tenant(domain string) (*Server, bool) {
	for _, t := range s.tenants {
		if strings.EqualFold(t.org.Options().Domain, domain) {
			return t, true
		}
	}
	return nil, false
}

// Orgs returns every organisation served, the first one first.
func (s *Server) Orgs() []*synth.Org {
	out := make([]*synth.Org, len(s.tenants))
	for i, t := range s.tenants {
		out[i] = t.org
	}
	return out
}

// tenantOf finds the organisation of an email address by its domain.
func (s *Server) tenantOf(email string) (*Server, bool) {
	return s.Tenant(domainOf(email))
}

// userAnywhere finds a user of any organisation.
func (s *Server) userAnywhere(email string) (synth.User, bool) {
	if t, ok := s.tenantOf(email); ok {
		return t.org.UserByEmail(email)
	}
	return synth.User{}, false
}

func (s *Server) operator(email string) (string, bool) {
	email = strings.ToLower(email)
	for _, op := range s.operators {
		if op == email {
			return op, true
		}
	}
	return "", false
}

func domainOf(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return strings.ToLower(d)
}
