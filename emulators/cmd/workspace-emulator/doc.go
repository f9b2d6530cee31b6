// Command workspace-emulator serves the Google Workspace API emulator with a
// synthetic organisation until interrupted.
//
//	workspace-emulator -addr 127.0.0.1:0 -preset demo -seed 1
//
// It prints its base URL on the first line of standard output. With
// -key-file it writes a service account key whose token_uri is the
// emulator, for google.JWTConfigFromJSON with a Subject (domain-wide
// delegation). -faults names a JSON file of workspace.Faults; faults can
// also be changed at run time with PUT /emulator/faults.
package main
