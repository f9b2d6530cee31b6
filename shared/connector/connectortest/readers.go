package connectortest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// python is Debian's interpreter, which has python3-icalendar and
// python3-vobject (apt-get install python3-icalendar python3-vobject).
const python = "/usr/bin/python3"

// ReadWithPython writes each entry to a temporary folder and runs script
// with their file names as arguments; it returns the script's output. The
// checks use readers we did not write: Python's mailbox, icalendar and
// vobject.
func ReadWithPython(t testing.TB, script string, entries []*Entry) string {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("no %s to run the independent readers", python)
	}
	dir := t.TempDir()
	args := []string{"-c", script}
	for i, e := range entries {
		name := filepath.Join(dir, strings.ReplaceAll(filepath.Base(e.Path), " ", "_")+"."+string(rune('a'+i%26)))
		if err := os.WriteFile(name, e.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, name)
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("python reader failed: %v\n%s", err, out)
	}
	return string(out)
}
