package workspace

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/orgexport/orgexport/shared/export"
)

// offAnswers are what Google answers a user for whom a product is turned
// off in the Admin console (for the user's organisational unit), as
// Google's clients have met them (the emulator README names the sources).
var offAnswers = map[string]struct {
	err    apiError
	status string
}{
	"gmail":    {apiError{400, "failedPrecondition", "Mail service not enabled"}, "FAILED_PRECONDITION"},
	"calendar": {apiError{403, "notACalendarUser", "The user must be signed up for Google Calendar."}, "PERMISSION_DENIED"},
	"chat":     {apiError{400, "failedPrecondition", "Google Chat is turned off. To use Chat API, turn on Google Chat."}, "FAILED_PRECONDITION"},
}

// productsOff answers every call of api by a user the faults' ProductsOff
// turn it off for with Google's answer; other calls go to h.
func (s *Server) productsOff(api string, h http.Handler) http.Handler {
	off, ok := offAnswers[api]
	if !ok {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(s.faults.get().ProductsOff[subject(r).Email], api) {
			writeGoogleError(w, off.err, off.status, nil)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// validateProductsOff accepts only the products the emulator can turn off.
func (f Faults) validateProductsOff() error {
	for user, apis := range f.ProductsOff {
		for _, api := range apis {
			if _, ok := offAnswers[api]; !ok {
				return fmt.Errorf("workspace emulator: faults: products_off: %s: cannot turn off %q (only gmail, calendar, chat)", user, api)
			}
		}
	}
	return nil
}

// offProducts are the products of the APIs ProductsOff can turn off.
var offProducts = map[string]export.Product{"gmail": export.Gmail, "calendar": export.Calendar, "chat": export.Chat}

// turnedOff reports whether the APIs off include the product's.
func turnedOff(off []string, p export.Product) bool {
	for _, api := range off {
		if offProducts[api] == p {
			return true
		}
	}
	return false
}
