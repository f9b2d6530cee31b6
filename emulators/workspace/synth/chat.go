package synth

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Space is a Chat space: a named space created by a user of the
// organisation (customer-owned data, R6) or a direct message between two
// users (part of each user's account).
type Space struct {
	// Name is "spaces/<id>"; ID is <id>.
	Name, ID    string
	DisplayName string
	Type        string // SPACE or DIRECT_MESSAGE
	Creator     int    // user index
	Members     []int  // user indexes, creator first
	Created     time.Time
	// Index is the space's number: spaces first, then one DM per user.
	Index int
}

// ChatMessage is one message of a space.
type ChatMessage struct {
	Name    string // spaces/<id>/messages/<id>
	Sender  int    // user index
	Text    string
	Created time.Time
	Thread  string
	// Attachment is set on every third message.
	Attachment *ChatAttachment
}

// ChatAttachment is an uploaded file.
type ChatAttachment struct {
	Name         string // <message>/attachments/<id>
	ResourceName string // for media.download
	ContentName  string
	ContentType  string
}

// SpaceCount counts the named spaces; DMs come after them.
func (g *Org) SpaceCount() int {
	if !g.HasData() || len(g.users) < 2 || g.opt.MessagesPerChat == 0 {
		return 0
	}
	return g.opt.ChatSpaces
}

// ChatSpaces are every space and DM (one DM per user with the next user).
func (g *Org) ChatSpaces() []Space {
	if !g.HasData() || len(g.users) < 2 || g.opt.MessagesPerChat == 0 {
		return nil
	}
	var out []Space
	for i := range g.SpaceCount() + len(g.users) {
		out = append(out, g.Space(i))
	}
	return out
}

// Space returns space i: named spaces first, then DM j = i-SpaceCount()
// between user j and user j+1.
func (g *Org) Space(i int) Space {
	r := g.rng(kSpace, uint64(i))
	id := fmt.Sprintf("AAAA%011x", g.hash(kSpace, 'i', uint64(i))>>20)
	sp := Space{Name: "spaces/" + id, ID: id, Index: i,
		Created: g.opt.Now.Add(-time.Duration(100+r.IntN(900)) * 24 * time.Hour).Truncate(time.Second)}
	n := len(g.users)
	if i < g.SpaceCount() {
		sp.Type, sp.DisplayName = "SPACE", fmt.Sprintf("Project %d", i+1)
		sp.Creator = 1 + i%(n-1)
		sp.Members = []int{sp.Creator}
		for k := 1; k <= min(4, n-1); k++ {
			if m := (sp.Creator + k*(i+1)) % n; m != sp.Creator && !contains(sp.Members, m) {
				sp.Members = append(sp.Members, m)
			}
		}
		if g.opt.Hostile && i == 0 {
			sp.DisplayName = "<script>alert('space')</script> ../x"
		}
		return sp
	}
	j := i - g.SpaceCount()
	sp.Type, sp.Creator, sp.Members = "DIRECT_MESSAGE", j, []int{j, (j + 1) % n}
	return sp
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// SpaceByName finds a space by "spaces/<id>" or "<id>".
func (g *Org) SpaceByName(name string) (Space, bool) {
	id := strings.TrimPrefix(name, "spaces/")
	if !g.HasData() || len(g.users) < 2 || g.opt.MessagesPerChat == 0 {
		return Space{}, false
	}
	for i := range g.SpaceCount() + len(g.users) {
		if fmt.Sprintf("AAAA%011x", g.hash(kSpace, 'i', uint64(i))>>20) == id {
			return g.Space(i), true
		}
	}
	return Space{}, false
}

// ChatMessageCount is the number of messages in the space.
func (g *Org) ChatMessageCount(sp Space) int { return g.opt.MessagesPerChat }

// ChatMessage returns message n of the space, oldest first.
func (g *Org) ChatMessage(sp Space, n int) ChatMessage {
	h := g.hash(kSpace, 'm', uint64(sp.Index), uint64(n))
	m := ChatMessage{Name: fmt.Sprintf("%s/messages/%x.%x", sp.Name, h>>40, h&0xffff),
		Sender: sp.Members[n%len(sp.Members)], Created: sp.Created.Add(time.Duration(n+1) * 37 * time.Minute),
		Text: fmt.Sprintf("Message %d in %s", n+1, sp.ID)}
	m.Thread = fmt.Sprintf("%s/threads/t%d", sp.Name, n/3)
	if n%3 == 1 {
		m.Attachment = &ChatAttachment{Name: m.Name + "/attachments/a1", ResourceName: fmt.Sprintf("media-%d-%d-%x", sp.Index, n, h),
			ContentName: fmt.Sprintf("notes %d.txt", n+1), ContentType: "text/plain"}
	}
	if g.opt.Hostile && n == 0 {
		m.Text = "<img src=x onerror=alert(1)> *bold*"
	}
	return m
}

// ChatAttachmentContent is an attachment's bytes.
func (g *Org) ChatAttachmentContent(sp Space, n int) []byte {
	var b bytes.Buffer
	for k := range 20 + n*7 {
		fmt.Fprintf(&b, "Line %d of attachment %d in %s\n", k+1, n, sp.ID)
	}
	return b.Bytes()
}

// ChatAttachmentByResource finds an attachment by its media resource name,
// which carries the space's index and the message's number.
func (g *Org) ChatAttachmentByResource(resource string) (Space, int, bool) {
	var i, n int
	var h uint64
	if _, err := fmt.Sscanf(resource, "media-%d-%d-%x", &i, &n, &h); err != nil || i < 0 || n < 0 {
		return Space{}, 0, false
	}
	if i >= g.SpaceCount()+len(g.users) || g.SpaceCount()+len(g.users) == 0 || n >= g.opt.MessagesPerChat {
		return Space{}, 0, false
	}
	sp := g.Space(i)
	if a := g.ChatMessage(sp, n).Attachment; a == nil || a.ResourceName != resource {
		return Space{}, 0, false
	}
	return sp, n, true
}
