package synth

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Space is a Chat space: a named space created by a user of the
// organisation (customer-owned data, R6), or a direct message between two
// users or a group chat of three (part of each member's account).
type Space struct {
	// Name is "spaces/<id>"; ID is <id>.
	Name, ID    string
	DisplayName string
	Type        string // SPACE, DIRECT_MESSAGE or GROUP_CHAT
	Creator     int    // user index
	// Members are user indexes, creator first. In an orphaned space they
	// are former members: they wrote its messages but have all left.
	Members []int
	// Orphaned spaces have no member in the organisation any more, so no
	// one can read their messages (the Chat API gives administrators no
	// access to messages).
	Orphaned bool
	Created  time.Time
	// Index is the space's number: named spaces first, then one DM per
	// user, then the group chats.
	Index int
}

// Joined reports whether user u is a current member of the space.
func (sp Space) Joined(u int) bool { return !sp.Orphaned && contains(sp.Members, u) }

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

// GroupChatCount counts the group chats: one for every three users, of
// users 3k, 3k+1 and 3k+2.
func (g *Org) GroupChatCount() int {
	if !g.HasData() || len(g.users) < 2 || g.opt.MessagesPerChat == 0 {
		return 0
	}
	return len(g.users) / 3
}

// allSpaces counts every space: named ones, DMs and group chats.
func (g *Org) allSpaces() int {
	if !g.HasData() || len(g.users) < 2 || g.opt.MessagesPerChat == 0 {
		return 0
	}
	return g.SpaceCount() + len(g.users) + g.GroupChatCount()
}

// ChatSpaces are every space, DM (one per user, with the next user) and
// group chat.
func (g *Org) ChatSpaces() []Space {
	var out []Space
	for i := range g.allSpaces() {
		out = append(out, g.Space(i))
	}
	return out
}

// UserChats are the DMs and group chats user u is in.
func (g *Org) UserChats(u int) []Space {
	n := len(g.users)
	if g.allSpaces() == 0 {
		return nil
	}
	out := []Space{g.Space(g.SpaceCount() + u), g.Space(g.SpaceCount() + (u-1+n)%n)}
	if k := u / 3; k < g.GroupChatCount() {
		out = append(out, g.Space(g.SpaceCount()+n+k))
	}
	return out
}

// Space returns space i: named spaces first, then DM j = i-SpaceCount()
// between user j and user j+1, then group chat k of users 3k to 3k+2. The
// last Options.OrphanedSpaces named spaces are orphaned.
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
		sp.Orphaned = i >= g.SpaceCount()-g.opt.OrphanedSpaces
		return sp
	}
	j := i - g.SpaceCount()
	if j < n {
		sp.Type, sp.Creator, sp.Members = "DIRECT_MESSAGE", j, []int{j, (j + 1) % n}
		return sp
	}
	k := j - n
	sp.Type, sp.Creator, sp.Members = "GROUP_CHAT", 3*k, []int{3 * k, 3*k + 1, 3*k + 2}
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
	for i := range g.allSpaces() {
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
	if i >= g.allSpaces() || n >= g.opt.MessagesPerChat {
		return Space{}, 0, false
	}
	sp := g.Space(i)
	if a := g.ChatMessage(sp, n).Attachment; a == nil || a.ResourceName != resource {
		return Space{}, 0, false
	}
	return sp, n, true
}
