// Command gcs-emulator runs the Cloud Storage emulator (fake-gcs-server
// over plain HTTP) as its own process for the dev stack:
//
//	gcs-emulator -addr 127.0.0.1:4443 -bucket orgexport-exports [-root DIR]
//
// Point the storage client at it with STORAGE_EMULATOR_HOST=127.0.0.1:4443.
// It prints one "listening" line when ready and stops on SIGINT or SIGTERM.
package main
