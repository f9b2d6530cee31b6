// Package config reads each function's settings from the environment once, at
// start, into a typed struct, and validates them.
//
// Every variable name used here is also set by infra/functions.tf; a test in
// infra/ keeps the two in step. An error names the variable and what is wrong
// with it, so a misconfigured deployment says exactly what to fix.
package config
