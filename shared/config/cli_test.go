package config

import "testing"

func TestCLISettings(t *testing.T) {
	m := validStart()
	c, err := LoadStartExport(env(m))
	if err != nil || c.CLI != (CLI{}) {
		t.Fatalf("without them: %+v, %v", c.CLI, err)
	}
	m["ORGEXPORT_URL_SIGNER"] = "not an email"
	if _, err := LoadStartExport(env(m)); err == nil {
		t.Error("a signer that is no email was accepted")
	}
	m["ORGEXPORT_URL_SIGNER"], m["ORGEXPORT_ADMIN_CLI_CLIENT_ID"] = "oe-start-export@p.iam.gserviceaccount.com", "cli-id"
	c, err = LoadStartExport(env(m))
	if err != nil || c.CLI.URLSigner != "oe-start-export@p.iam.gserviceaccount.com" || c.CLI.ClientID != "cli-id" {
		t.Errorf("%+v, %v", c.CLI, err)
	}
	if a := c.Admins(); len(a.OtherAudiences) != 1 || a.OtherAudiences[0] != "cli-id" {
		t.Errorf("the command line's client id is not a second audience: %+v", a)
	}
}
