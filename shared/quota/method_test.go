package quota_test

import (
	"net/http"
	"testing"

	"github.com/orgexport/orgexport/shared/quota"
)

func TestGmailMethodOfARequest(t *testing.T) {
	for path, want := range map[string]string{
		"/gmail/v1/users/me/profile":                         "users.getProfile",
		"/gmail/v1/users/a%40b.com/messages":                 "users.messages.list",
		"/gmail/v1/users/me/messages/18c":                    "users.messages.get",
		"/gmail/v1/users/me/messages/18c/attachments/ANGj":   "users.messages.attachments.get",
		"/gmail/v1/users/me/labels":                          "users.labels.list",
		"/gmail/v1/users/me/history":                         "users.history.list",
		"/gmail/v1/users/me/threads/t1":                      "users.threads.get",
		"/gmail/v1/users/me/settings/filters":                "users.settings.filters.list",
		"/emulated/prefix/gmail/v1/users/me/settings/sendAs": "users.settings.sendAs.list",
	} {
		r, _ := http.NewRequest(http.MethodGet, "http://h"+path, nil)
		if got := quota.Method(quota.Gmail, r); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
		if got := quota.Default.Limits[quota.Gmail].Cost(quota.Method(quota.Gmail, r)); got != quota.Default.Limits[quota.Gmail].Costs[want] && want != "" {
			t.Errorf("%s: cost %d", path, got)
		}
	}
	r, _ := http.NewRequest(http.MethodGet, "http://h/drive/v3/files", nil)
	if got := quota.Method(quota.Drive, r); got != "" {
		t.Errorf("drive: %q", got)
	}
}
