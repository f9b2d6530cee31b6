package config

import "net/mail"

// CLI is what StartExport needs to serve the admins' command line
// (cmd/orgexport) and the console's downloads.
type CLI struct {
	// ClientID is the OAuth client id (type Desktop app) the command line
	// signs in with; admins' ID tokens for it are accepted beside the
	// console's. Empty: only the console's.
	ClientID string
	// URLSigner is the service account that signs download URLs of the
	// archive bucket (keyless, IAM Credentials signBlob; StartExport's
	// own). Empty: GET /exports/{id}/downloads is not offered.
	URLSigner string
}

func (r *reader) cli() CLI {
	c := CLI{
		ClientID:  r.strOr("ORGEXPORT_ADMIN_CLI_CLIENT_ID", ""),
		URLSigner: r.strOr("ORGEXPORT_URL_SIGNER", ""),
	}
	if c.URLSigner != "" {
		if a, err := mail.ParseAddress(c.URLSigner); err != nil || a.Address != c.URLSigner {
			r.fail("ORGEXPORT_URL_SIGNER", "must be a plain email address, got %q", c.URLSigner)
		}
	}
	return c
}
