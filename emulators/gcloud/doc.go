// Package gcloud starts the official Firestore and Pub/Sub emulators of the
// Google Cloud CLI on free loopback ports, waits until they answer, resets
// their state and stops them without leaving a Java process behind.
//
// # What runs
//
// `gcloud emulators firestore start` and `gcloud beta emulators pubsub start`
// are Python programs that run a shell script that runs Java, so the JVM is
// a grandchild of whoever called gcloud; killing gcloud leaves Java running.
// This package therefore runs the very Java command gcloud runs (read from
// `ps` while gcloud was running it, for Cloud SDK 528):
//
//	java -Duser.language=en -cp SDK/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar \
//	    com.google.cloud.datastore.emulator.firestore.CloudFirestore start \
//	    --host=127.0.0.1 --port=PORT --database-mode=firestore-native
//	java -jar SDK/platform/pubsub-emulator/lib/cloud-pubsub-emulator-VERSION-all.jar \
//	    --host=127.0.0.1 --port=PORT
//
// The jars come from the same Cloud SDK that the gcloud on PATH belongs to,
// so the emulator is the one gcloud would start. Skipping gcloud's Python
// start-up also saves time: on this 2-core machine under load, Firestore
// answered after 2.9 s (gcloud: 4.5 to 6.7 s) and Pub/Sub after 3.3 s
// (gcloud: 4.1 to 4.5 s); see BenchmarkStartFirestore.
//
// # No orphans
//
// The JVM is a direct child, started in its own process group and with
// Linux's parent-death signal set to SIGKILL from an OS thread that lives as
// long as the child. So the JVM dies with the process that started it, even
// when that process is killed with SIGKILL, panics or times out, where no
// deferred cleanup runs. Stop sends SIGTERM to the group, then SIGKILL after
// a grace period. A test in this package kills a helper process with SIGKILL
// and checks that its JVM is gone.
//
// # Prerequisites
//
// Start checks, before anything is run, that gcloud is on PATH, that Java 17
// or newer is on PATH and that the emulator component is installed, and
// returns one line saying which is missing and how to install it (see
// [ErrMissing]). The emulator's output goes to a log file; a failed start
// names the file and quotes its last lines.
package gcloud
