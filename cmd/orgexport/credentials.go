package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

const googleIssuer = "https://accounts.google.com"

// credentials are what login keeps: enough to get new ID tokens without a
// browser, and where the API is.
type credentials struct {
	Issuer       string `json:"issuer"`
	TokenURL     string `json:"token_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	RefreshToken string `json:"refresh_token"`
	Email        string `json:"email"`
	API          string `json:"api,omitempty"`
}

// credentialsPath is the file in the user's config folder
// (~/.config/orgexport/credentials.json on Linux).
func credentialsPath(e *env) (string, error) {
	dir := e.configDir
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	return filepath.Join(dir, "orgexport", "credentials.json"), nil
}

func loadCredentials(e *env) (credentials, error) {
	var c credentials
	path, err := credentialsPath(e)
	if err != nil {
		return c, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return credentials{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// saveCredentials writes the file readable by its owner only (0600), in a
// folder only they can enter.
func saveCredentials(e *env, c credentials) (string, error) {
	path, err := credentialsPath(e)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// refresher turns the saved refresh token into ID tokens, each reused
// until a minute before it expires.
type refresher struct {
	http  *http.Client
	creds credentials

	mu      sync.Mutex
	idToken string
	expiry  time.Time
}

func newRefresher(hc *http.Client, c credentials) *refresher { return &refresher{http: hc, creds: c} }

func (r *refresher) get(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.idToken != "" && time.Until(r.expiry) > time.Minute {
		return r.idToken, nil
	}
	conf := oauth2.Config{ClientID: r.creds.ClientID, ClientSecret: r.creds.ClientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: r.creds.TokenURL}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, r.http)
	tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: r.creds.RefreshToken}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return "", accessError(fmt.Errorf("the saved sign-in was refused (%s); run orgexport login again", re.ErrorCode))
		}
		return "", incomplete(fmt.Errorf("refresh the sign-in: %w", err))
	}
	id, _ := tok.Extra("id_token").(string)
	if id == "" {
		return "", accessError(errors.New("the issuer returned no ID token; run orgexport login again"))
	}
	r.idToken, r.expiry = id, tokenExpiry(id)
	return id, nil
}

// tokenExpiry reads a JWT's exp without checking it (the API does).
func tokenExpiry(jwt string) time.Time {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &c) != nil {
		return time.Time{}
	}
	return time.Unix(c.Exp, 0)
}
