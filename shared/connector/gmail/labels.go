package gmail

import (
	"context"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"google.golang.org/api/gmail/v1"
)

// systemLabels are the names Takeout gives Gmail's system labels.
var systemLabels = map[string]string{
	"INBOX": "Inbox", "SENT": "Sent", "IMPORTANT": "Important", "TRASH": "Trash",
	"SPAM": "Spam", "STARRED": "Starred", "UNREAD": "Unread", "DRAFT": "Drafts",
	"CHAT": "Chat", "CATEGORY_PERSONAL": "Category Personal",
	"CATEGORY_SOCIAL": "Category Social", "CATEGORY_PROMOTIONS": "Category Promotions",
	"CATEGORY_UPDATES": "Category Updates", "CATEGORY_FORUMS": "Category Forums",
}

// labelNames maps the user's label ids to the names shown in X-Gmail-Labels.
func labelNames(ctx context.Context, svc *gmail.Service) (map[string]string, error) {
	resp, err := svc.Users.Labels.List("me").Fields("labels(id,name,type)").Context(ctx).Do()
	if err != nil {
		return nil, fmt.Errorf("list labels: %w", err)
	}
	names := make(map[string]string, len(resp.Labels))
	for _, l := range resp.Labels {
		name := l.Name
		if n, ok := systemLabels[l.Id]; ok && l.Type != "user" {
			name = n
		}
		names[l.Id] = headerSafe(name)
	}
	return names, nil
}

// labelHeader is the X-Gmail-Labels value for a message's label ids.
func labelHeader(ids []string, names map[string]string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n, ok := names[id]; ok {
			out = append(out, n)
		} else {
			out = append(out, headerSafe(id))
		}
	}
	return encodeWord(strings.Join(out, ","))
}

// encodeWord keeps a header 7-bit: non-ASCII text becomes RFC 2047
// encoded words, which mail readers decode.
func encodeWord(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// headerSafe keeps a name on one header line: control characters become
// spaces.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// threadID is Takeout's X-GM-THRID: the API's hex thread id in decimal.
func threadID(hex string) string {
	if n, err := strconv.ParseUint(hex, 16, 64); err == nil {
		return strconv.FormatUint(n, 10)
	}
	return headerSafe(hex)
}
