// Command loadstart measures StartExport under concurrent admins (issue 4):
// it brings up the whole local stack (package devstack: the Firestore
// emulator, the Workspace emulator, the Cloud Tasks emulator, the SMTP sink
// and every function in its own process), then, round after round, has N
// clients of the organisation's super administrator press "start" at the
// same moment through the real HTTP API.
//
//	go run ./emulators/cmd/loadstart -admins 100 -rounds 5
//
// Each round must give exactly one 202 and N-1 409s naming the accepted
// export (R2); the accepted export is then cancelled, which releases the
// organisation's lock for the next round. It prints the latency of every
// start (p50, p90, p99, max), overall and by answer, and exits non-zero
// if a round broke R2.
package main
