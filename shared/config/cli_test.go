package config

import (
	"strings"
	"testing"
)

func TestCLISettings(t *testing.T) {
	m := validStart()
	c, err := LoadStartExport(env(m))
	if err != nil || c.CLI != (CLI{}) {
		t.Fatalf("without them: %+v, %v", c.CLI, err)
	}
	m["ORGEXPORT_BUCKET"] = "archive"
	if _, err := LoadStartExport(env(m)); err == nil || !strings.Contains(err.Error(), "ORGEXPORT_URL_SIGNER") {
		t.Errorf("a bucket without a signer: %v", err)
	}
	m["ORGEXPORT_URL_SIGNER"] = "not an email"
	if _, err := LoadStartExport(env(m)); err == nil {
		t.Error("a signer that is no email was accepted")
	}
	m["ORGEXPORT_URL_SIGNER"], m["ORGEXPORT_ADMIN_CLI_CLIENT_ID"] = "oe-start-export@p.iam.gserviceaccount.com", "cli-id"
	c, err = LoadStartExport(env(m))
	if err != nil || c.CLI.Bucket != "archive" || c.CLI.ClientID != "cli-id" {
		t.Errorf("%+v, %v", c.CLI, err)
	}
}
