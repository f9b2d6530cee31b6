package gcloud

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// ErrMissing is wrapped by every prerequisite error: gcloud, Java 17+ or an
// emulator component is not installed. The error's text is one line saying
// what is missing and how to install it.
var ErrMissing = errors.New("emulator prerequisite missing")

// MinJava is the oldest Java major version the emulators run on.
const MinJava = 17

type missingError struct{ msg string }

func (e *missingError) Error() string        { return e.msg }
func (e *missingError) Is(target error) bool { return target == ErrMissing }

func missing(format string, args ...any) error {
	return &missingError{msg: fmt.Sprintf(format, args...)}
}

// component is one emulator as the Cloud SDK installs it.
type component struct {
	name    string // gcloud component id
	debian  string // Debian package that installs it
	jarGlob string // relative to the SDK root
}

var (
	firestoreComponent = component{
		name:    "cloud-firestore-emulator",
		debian:  "google-cloud-cli-firestore-emulator",
		jarGlob: "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
	}
	pubsubComponent = component{
		name:    "pubsub-emulator",
		debian:  "google-cloud-cli-pubsub-emulator",
		jarGlob: "platform/pubsub-emulator/lib/cloud-pubsub-emulator-*.jar",
	}
)

// toolchain is what an emulator needs to run: Java and the component's jar.
type toolchain struct {
	java string
	jar  string
}

// findToolchain checks gcloud, Java and the component, in that order, and
// returns the first thing missing.
func findToolchain(c component) (toolchain, error) {
	root, err := sdkRoot()
	if err != nil {
		return toolchain{}, err
	}
	java, err := findJava()
	if err != nil {
		return toolchain{}, err
	}
	jars, _ := filepath.Glob(filepath.Join(root, c.jarGlob))
	if len(jars) == 0 {
		return toolchain{}, missing("gcloud component %s is not installed in %s: install it with `apt-get install %s` or `gcloud components install %s`",
			c.name, root, c.debian, c.name)
	}
	return toolchain{java: java, jar: jars[len(jars)-1]}, nil
}

// sdkRoot finds the Cloud SDK that the gcloud on PATH belongs to.
func sdkRoot() (string, error) {
	if dir := os.Getenv("CLOUDSDK_ROOT_DIR"); dir != "" {
		return dir, nil
	}
	bin, err := exec.LookPath("gcloud")
	if err != nil {
		return "", missing("gcloud is not on PATH: install the Google Cloud CLI (`apt-get install google-cloud-cli`, see https://cloud.google.com/sdk/docs/install)")
	}
	real, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return "", missing("gcloud at %s is a broken link: reinstall the Google Cloud CLI", bin)
	}
	return filepath.Dir(filepath.Dir(real)), nil // SDK/bin/gcloud
}

// findJava returns the java binary ($JAVA_HOME/bin/java, else PATH) after
// checking its version.
func findJava() (string, error) {
	java := ""
	if home := os.Getenv("JAVA_HOME"); home != "" {
		if _, err := os.Stat(filepath.Join(home, "bin", "java")); err == nil {
			java = filepath.Join(home, "bin", "java")
		}
	}
	if java == "" {
		var err error
		if java, err = exec.LookPath("java"); err != nil {
			return "", missing("java is not on PATH: the emulators need Java %d or newer (`apt-get install openjdk-17-jre-headless`)", MinJava)
		}
	}
	out, err := exec.Command(java, "-version").CombinedOutput()
	if err != nil {
		return "", missing("%s -version failed (%v): install Java %d or newer (`apt-get install openjdk-17-jre-headless`)", java, err, MinJava)
	}
	major := javaMajor(string(out))
	if major < MinJava {
		return "", missing("%s is Java %d; the emulators need Java %d or newer (`apt-get install openjdk-17-jre-headless`)", java, major, MinJava)
	}
	return java, nil
}

var javaVersion = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// javaMajor reads the major version from `java -version` output: "17.0.15"
// is 17, the old scheme "1.8.0_292" is 8. Unreadable output is 0.
func javaMajor(out string) int {
	m := javaVersion.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" {
		major, _ = strconv.Atoi(m[2])
	}
	return major
}
