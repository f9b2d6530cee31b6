// Package testenv gives a package's tests the local cloud in a few lines:
// the Firestore and Pub/Sub emulators and Cloud Storage, started once per
// test binary and reset for every test.
//
//	func TestMain(m *testing.M) {
//		os.Exit(testenv.Run(m, testenv.Firestore|testenv.PubSub|testenv.Storage))
//	}
//
//	func TestSomething(t *testing.T) {
//		env := testenv.Get(t) // state of earlier tests is gone
//		fs := env.Firestore() // official clients, closed when the test ends
//		bkt := env.Storage().Bucket(env.Bucket)
//		...
//	}
//
// # What Run does
//
// Run starts the requested services on free loopback ports (the two JVMs in
// parallel, about 2 s), sets FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST,
// STORAGE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT so the official clients
// and config.Load find them, runs the tests and stops everything, also on
// SIGINT or SIGTERM. If the test binary dies without cleaning up (SIGKILL, a
// panic in a test, a -timeout), the emulator JVMs die with it (see
// emulators/gcloud). A missing prerequisite (gcloud, Java 17+, an emulator
// component) makes Run print one line saying what to install and return 1.
//
// The project id is unique per test binary run, so packages can share one
// emulator: when FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST or
// STORAGE_EMULATOR_HOST is already set, Run uses that service instead of
// starting one, and leaves it running.
//
// # What Get does
//
// Get deletes every Firestore document and every Pub/Sub topic and
// subscription of the project, creates a fresh bucket for the test, and
// resets the extra services. Because the state is shared, tests that call
// Get must not run in parallel with each other; Get fails a test that tries.
//
// # More services
//
// Other local services (the Cloud Tasks emulator, the Workspace emulator,
// the SMTP sink) plug in as a [Service] passed to Run; their authors add
// them without changing this package.
package testenv
