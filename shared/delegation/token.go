package delegation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/iamcredentials/v1"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/shared/pacer"
)

// GoogleTokenURL is where delegation assertions are exchanged in production.
const GoogleTokenURL = "https://oauth2.googleapis.com/token"

// Signer signs a JWT claim set as the delegation service account.
type Signer interface {
	SignJWT(ctx context.Context, claims string) (string, error)
}

// IAMSigner signs with IAM Credentials signJwt: keyless, the service
// account's private key never leaves Google.
type IAMSigner struct {
	svc     *iamcredentials.Service
	account string
}

// NewIAMSigner returns a signer for the service account. opts reach the
// IAM Credentials client (an endpoint, or credentials for it).
func NewIAMSigner(ctx context.Context, account string, opts ...option.ClientOption) (*IAMSigner, error) {
	svc, err := iamcredentials.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("iam credentials client: %w", err)
	}
	return &IAMSigner{svc: svc, account: account}, nil
}

// SignJWT implements Signer.
func (s *IAMSigner) SignJWT(ctx context.Context, claims string) (string, error) {
	name := "projects/-/serviceAccounts/" + s.account
	resp, err := s.svc.Projects.ServiceAccounts.SignJwt(name,
		&iamcredentials.SignJwtRequest{Payload: claims}).Context(ctx).Do()
	if err != nil {
		return "", fmt.Errorf("signJwt as %s: %w", s.account, err)
	}
	return resp.SignedJwt, nil
}

// delegatedSource mints access tokens for one subject and scope set: a JWT
// assertion (iss = the delegation account, sub = the user, scope = the
// API's scopes) signed by the Signer and exchanged at the token endpoint
// with the JWT bearer grant (RFC 7523).
type delegatedSource struct {
	ctx      context.Context
	signer   Signer
	account  string
	clientID string
	api      string
	subject  string
	scopes   []string
	tokenURL string
	client   *http.Client
	now      func() time.Time
	refused  *refusals
	// whole marks the source of a subject's token for every API's scopes
	// at once (see wholeOrAPI): a refusal is not analysed scope by scope,
	// since the per-API sources do that when they take over.
	whole bool
}

// tokenTimeout bounds one signing and exchange, which cannot be cancelled
// by the API call that needed the token.
const tokenTimeout = time.Minute

func (s *delegatedSource) Token() (*oauth2.Token, error) {
	if err := s.refused.get(s.scopes, s.subject); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(s.ctx, tokenTimeout)
	defer cancel()
	tok, code, err := s.mint(ctx, s.scopes)
	if code != "unauthorized_client" {
		return tok, err
	}
	if s.whole {
		se := &ScopeError{API: s.api, Missing: s.scopes, ClientID: s.clientID, Subject: s.subject}
		s.refused.put(s.scopes, se)
		return nil, se
	}
	// Google refuses the request whole and does not say which scope it
	// lacks: ask for each alone to name the missing ones.
	var missing []string
	if len(s.scopes) > 1 {
		for _, sc := range s.scopes {
			if _, code, _ := s.mint(ctx, []string{sc}); code == "unauthorized_client" {
				missing = append(missing, sc)
			}
		}
	}
	if len(missing) == 0 {
		missing = s.scopes
	}
	se := &ScopeError{API: s.api, Missing: missing, ClientID: s.clientID, Subject: s.subject}
	s.refused.put(s.scopes, se)
	return nil, se
}

// wholeOrAPI is the token source the API clients use: the subject's token
// for every API's scopes at once (Scopes) while the delegation grants them
// all, so that exporting an account signs one assertion (one IAM
// Credentials signJwt call) instead of one per API; the API's own token
// when Google refuses the whole set, so that a scope missing from the
// delegation fails only the products that need it (the refusal of the
// whole set is remembered for refusalTTL, as any refusal).
type wholeOrAPI struct {
	whole, api oauth2.TokenSource
}

func (s wholeOrAPI) Token() (*oauth2.Token, error) {
	tok, err := s.whole.Token()
	var se *ScopeError
	if err == nil || !errors.As(err, &se) {
		return tok, err
	}
	return s.api.Token()
}

// mint signs an assertion for scopes and exchanges it; code is the token
// endpoint's OAuth error code, if it answered one.
func (s *delegatedSource) mint(ctx context.Context, scopes []string) (*oauth2.Token, string, error) {
	now := s.now()
	claims, err := json.Marshal(map[string]any{
		"iss":   s.account,
		"sub":   s.subject,
		"scope": strings.Join(scopes, " "),
		"aud":   s.tokenURL,
		"iat":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
	})
	if err != nil {
		return nil, "", err
	}
	assertion, err := s.signer.SignJWT(ctx, string(claims))
	if err != nil {
		return nil, "", fmt.Errorf("%w for %s: %v", pacer.ErrNoToken, s.subject, err)
	}
	return s.exchange(ctx, assertion, now)
}

func (s *delegatedSource) exchange(ctx context.Context, assertion string, now time.Time) (*oauth2.Token, string, error) {
	form := url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion":  {assertion},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("%w for %s: %v", pacer.ErrNoToken, s.subject, err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		return nil, body.Error, fmt.Errorf("%w for %s: HTTP %d %s %s", pacer.ErrNoToken, s.subject, resp.StatusCode, body.Error, body.Description)
	}
	return &oauth2.Token{
		AccessToken: body.AccessToken,
		TokenType:   body.TokenType,
		Expiry:      now.Add(time.Duration(body.ExpiresIn) * time.Second),
	}, "", nil
}
