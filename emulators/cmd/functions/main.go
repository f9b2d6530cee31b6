// Command functions serves one of orgexport's functions locally, as Cloud
// Functions does: FUNCTION_TARGET names the function and PORT the port. It
// checks the function's configuration first and refuses to start, naming
// every bad variable, rather than fail its first request.
//
// The dev stack (emulators/devstack) runs one process of it per function.
package main

import (
	"fmt"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	_ "github.com/orgexport/orgexport" // registers the functions
	"github.com/orgexport/orgexport/shared/config"
)

func main() {
	target := os.Getenv("FUNCTION_TARGET")
	if err := config.Check(target, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", target, err)
		os.Exit(2)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := funcframework.StartHostPort("127.0.0.1", port); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", target, err)
		os.Exit(1)
	}
}
