package gcloud_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/gcloud"
)

// Each missing prerequisite is one clear line naming it and how to install
// it, returned at once.
func TestMissingPrerequisites(t *testing.T) {
	empty := t.TempDir()
	oldJava := t.TempDir()
	writeExec(t, filepath.Join(oldJava, "bin", "java"), "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
	realPath := os.Getenv("PATH")
	sdk := "" // the real Cloud SDK, so that only Java is missing
	if bin, err := exec.LookPath("gcloud"); err == nil {
		if real, err := filepath.EvalSymlinks(bin); err == nil {
			sdk = filepath.Dir(filepath.Dir(real))
		}
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no gcloud", map[string]string{"PATH": empty, "CLOUDSDK_ROOT_DIR": ""}, "gcloud is not on PATH"},
		{"no java", map[string]string{"PATH": empty, "CLOUDSDK_ROOT_DIR": sdk, "JAVA_HOME": ""}, "java is not on PATH"},
		{"old java", map[string]string{"JAVA_HOME": oldJava, "PATH": realPath}, "Java 11; the emulators need Java 17"},
		{"no component", map[string]string{"CLOUDSDK_ROOT_DIR": empty, "JAVA_HOME": ""}, "apt-get install google-cloud-cli-firestore-emulator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if v, ok := c.env["CLOUDSDK_ROOT_DIR"]; ok && v == "" && c.name == "no java" {
				t.Skip("gcloud not installed")
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := gcloud.StartFirestore(context.Background(), gcloud.Options{})
			if !errors.Is(err, gcloud.ErrMissing) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q", err, c.want)
			}
		})
	}
}

func writeExec(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}
