package console

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/orgexport/orgexport/shared/auth"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 8 * time.Hour

const (
	sessionCookie = "orgexport_session"
	signInCookie  = "orgexport_signin"
	signInLife    = 10 * time.Minute
)

var (
	errNoSession = errors.New("not signed in")
	errExpired   = errors.New("the session has expired")
)

// session is what the cookie holds: who signed in, until when, and the
// token that state-changing requests must carry (CSRF).
type session struct {
	Email   string
	Subject string
	HD      string
	Expires int64
	CSRF    string
}

func (s session) principal() auth.Principal {
	return auth.Principal{Subject: s.Subject, Email: s.Email, HostedDomain: s.HD}
}

// pending is the sign-in in progress: the OAuth state, the ID token's
// nonce, the PKCE verifier, and the page to return to.
type pending struct {
	State, Nonce, Verifier, Return string
}

type sessions struct {
	codec  *securecookie.SecureCookie
	secure bool
	now    func() time.Time
}

// newSessions derives the signing and encryption keys from the secret.
func newSessions(secret []byte, secure bool, now func() time.Time) (*sessions, error) {
	hash, err := hkdf.Key(sha256.New, secret, nil, "orgexport console session signing", 32)
	if err != nil {
		return nil, err
	}
	block, err := hkdf.Key(sha256.New, secret, nil, "orgexport console session encryption", 32)
	if err != nil {
		return nil, err
	}
	codec := securecookie.New(hash, block).MaxAge(int((SessionLifetime + time.Minute).Seconds()))
	codec.SetSerializer(securecookie.JSONEncoder{})
	return &sessions{codec: codec, secure: secure, now: now}, nil
}

func (s *sessions) cookie(name, value string, maxAge int, path string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// read returns the request's session: errNoSession without a cookie,
// errExpired for one that is no longer valid (expired, or signed with
// another key).
func (s *sessions) read(r *http.Request) (session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return session{}, errNoSession
	}
	var v session
	if err := s.codec.Decode(sessionCookie, ck.Value, &v); err != nil {
		return session{}, errExpired
	}
	if s.now().Unix() >= v.Expires || v.Email == "" {
		return session{}, errExpired
	}
	return v, nil
}

// start sets a new session for p, with a fresh CSRF token.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	v := session{Email: p.Email, Subject: p.Subject, HD: p.HostedDomain,
		Expires: s.now().Add(SessionLifetime).Unix(), CSRF: randomToken()}
	enc, err := s.codec.Encode(sessionCookie, v)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, enc, int(SessionLifetime.Seconds()), cookiePath(r)))
	return nil
}

func (s *sessions) end(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(sessionCookie, "", -1, cookiePath(r)))
}

func (s *sessions) startSignIn(w http.ResponseWriter, r *http.Request, p pending) error {
	enc, err := s.codec.Encode(signInCookie, p)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(signInCookie, enc, int(signInLife.Seconds()), base(r)+"/callback"))
	return nil
}

// finishSignIn reads and clears the sign-in in progress.
func (s *sessions) finishSignIn(w http.ResponseWriter, r *http.Request) (pending, bool) {
	ck, err := r.Cookie(signInCookie)
	http.SetCookie(w, s.cookie(signInCookie, "", -1, base(r)+"/callback"))
	if err != nil {
		return pending{}, false
	}
	var p pending
	if err := s.codec.Decode(signInCookie, ck.Value, &p); err != nil {
		return pending{}, false
	}
	return p, true
}

// cookiePath is where the session is sent: the console and the API
// beside it (whose GETs the pages make), not other functions on the host.
func cookiePath(r *http.Request) string { return apiBase(r) + "/" }

// validCSRF checks the form's token against the session's.
func validCSRF(r *http.Request, s session) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
