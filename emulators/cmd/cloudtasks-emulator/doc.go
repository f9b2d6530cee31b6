// Command cloudtasks-emulator runs the Cloud Tasks emulator of package
// emulators/cloudtasks until SIGINT or SIGTERM.
//
//	cloudtasks-emulator -grpc 127.0.0.1:8123 -http 127.0.0.1:8124
//
// It prints one line per listener, then serves:
//
//	grpc 127.0.0.1:8123
//	http http://127.0.0.1:8124
//
// Point the official client at the grpc address (see the package
// documentation); the http URL is the OIDC issuer of the dispatches' tokens
// and serves GET /tasks, a JSON listing of every task.
package main
