package config

import (
	"fmt"
	"slices"
	"sync"
)

// Variables returns the environment variables each function reads, keyed by
// function name, sorted. infra/ uses it to check that every function is
// deployed with exactly the variables its code reads.
func Variables() map[string][]string {
	out := make(map[string][]string, len(loaders))
	for name, load := range loaders {
		var mu sync.Mutex
		seen := map[string]bool{}
		_ = load(func(k string) string {
			mu.Lock()
			seen[k] = true
			mu.Unlock()
			return ""
		})
		names := make([]string, 0, len(seen))
		for k := range seen {
			names = append(names, k)
		}
		slices.Sort(names)
		out[name] = names
	}
	return out
}

// Check validates the configuration of the function named name, so a
// process can refuse to start rather than fail its first request.
func Check(name string, get Getenv) error {
	load, ok := loaders[name]
	if !ok {
		return fmt.Errorf("configuration: no function is named %q", name)
	}
	return load(get)
}

var loaders = map[string]func(Getenv) error{
	"StartExport":    func(g Getenv) error { _, err := LoadStartExport(g); return err },
	"BeginExport":    func(g Getenv) error { _, err := LoadBeginExport(g); return err },
	"ExportAccount":  func(g Getenv) error { _, err := LoadExportAccount(g); return err },
	"AssembleReport": func(g Getenv) error { _, err := LoadAssembleReport(g); return err },
	"Housekeeping":   func(g Getenv) error { _, err := LoadHousekeeping(g); return err },
	"Support":        func(g Getenv) error { _, err := LoadSupport(g); return err },
}
