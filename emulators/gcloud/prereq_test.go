package gcloud_test

import (
	"context"
	"errors"
	"os"
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
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no gcloud", map[string]string{"PATH": empty, "CLOUDSDK_ROOT_DIR": ""}, "gcloud is not on PATH"},
		{"old java", map[string]string{"JAVA_HOME": oldJava, "PATH": realPath}, "Java 11; the emulators need Java 17"},
		{"no component", map[string]string{"CLOUDSDK_ROOT_DIR": empty, "JAVA_HOME": ""}, "apt-get install google-cloud-cli-firestore-emulator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
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
