package workspace

import (
	"slices"
	"strings"
	"sync"
)

// aliasSet holds further base URLs the emulator is reached at (through a
// proxy), whose /token is as good an assertion audience as its own.
type aliasSet struct {
	mu   sync.Mutex
	urls []string
}

// AddAlias makes url (a proxy in front of the emulator) an accepted
// audience of delegation assertions: a client configured with the proxy's
// URL signs assertions for url + "/token", as production clients sign them
// for Google's token endpoint.
func (s *Server) AddAlias(url string) {
	s.aliases.mu.Lock()
	defer s.aliases.mu.Unlock()
	s.aliases.urls = append(s.aliases.urls, strings.TrimRight(url, "/"))
}

// tokenAudiences are the audiences a delegation assertion may carry.
func (s *Server) tokenAudiences() []string {
	s.aliases.mu.Lock()
	defer s.aliases.mu.Unlock()
	out := []string{s.url + "/token"}
	for _, u := range s.aliases.urls {
		out = append(out, u+"/token")
	}
	return slices.Clip(out)
}
