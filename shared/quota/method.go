package quota

import (
	"net/http"
	"strings"
)

// Method names the method a REST request calls, as the cost tables name
// them ("users.messages.get"), for the APIs counted in quota units
// (Gmail); "" for the others, whose every call costs one request.
func Method(api string, r *http.Request) string {
	if api != Gmail || r == nil || r.URL == nil {
		return ""
	}
	path := r.URL.Path
	i := strings.Index(path, "gmail/v1/")
	if i < 0 {
		return ""
	}
	segs := strings.Split(strings.Trim(path[i+len("gmail/v1/"):], "/"), "/")
	if len(segs) < 2 || segs[0] != "users" {
		return ""
	}
	rest := segs[2:]
	if len(rest) == 1 && rest[0] == "profile" {
		return "users.getProfile"
	}
	var names []string
	ids := 0
	for j := 0; j < len(rest); j++ {
		if rest[j] == "settings" && j+1 < len(rest) {
			names = append(names, "settings", rest[j+1])
			j++
		} else {
			names = append(names, rest[j])
		}
		if j+1 < len(rest) {
			j++
			ids++
		} else {
			ids = -1 // ends at a collection
		}
	}
	if len(names) == 0 {
		return ""
	}
	verb := "get"
	switch {
	case ids < 0 && r.Method == http.MethodGet:
		verb = "list"
	case ids < 0:
		verb = "create"
	case r.Method != http.MethodGet:
		verb = strings.ToLower(r.Method)
	}
	return "users." + strings.Join(names, ".") + "." + verb
}
