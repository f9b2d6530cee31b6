package chat

import (
	_ "embed"
	"strings"
	"time"

	"google.golang.org/api/chat/v1"

	"github.com/orgexport/orgexport/shared/connector"
)

// Schema is the JSON Schema of the Chat files: #/$defs/messages,
// #/$defs/group_info and #/$defs/user_info.
//
//go:embed chat.schema.json
var Schema []byte

// Person is a message's creator or a member, in Takeout's names.
type Person struct {
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	UserType string `json:"user_type"` // Human or Bot
}

// Message is one message of messages.json. Takeout's ids are
// "<space>/<topic>/<message>" and its dates "Thursday, November 3, 2016 at
// 11:59:50 AM UTC" (createdDate); the emulator's README names the sources.
type Message struct {
	Creator       Person       `json:"creator"`
	CreatedDate   string       `json:"created_date"`
	Text          string       `json:"text"`
	AttachedFiles []Attached   `json:"attached_files,omitempty"`
	Annotations   []Annotation `json:"annotations,omitempty"`
	TopicID       string       `json:"topic_id"`
	MessageID     string       `json:"message_id"`
}

// Attached names an uploaded attachment and its file in the folder.
type Attached struct {
	OriginalName string `json:"original_name"`
	ExportName   string `json:"export_name"`
}

// Annotation is Takeout's record of rich content; orgexport writes only
// the Drive files a message links to.
type Annotation struct {
	StartIndex    int           `json:"start_index"`
	Length        int           `json:"length"`
	DriveMetadata DriveMetadata `json:"drive_metadata"`
}

// DriveMetadata names a Drive file attached to a message.
type DriveMetadata struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	ThumbnailURL string `json:"thumbnail_url"`
}

// DriveURL is the link to the Drive file, for messages.html.
func (d DriveMetadata) DriveURL() string { return "https://drive.google.com/open?id=" + d.ID }

// takeoutDate is Takeout's layout of created_date, always in UTC.
const takeoutDate = "Monday, January 2, 2006 at 3:04:05 PM MST"

// createdDate is an API timestamp in Takeout's layout (the API's text when
// it does not parse).
func createdDate(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(takeoutDate)
}

// GroupInfo is group_info.json; direct messages and unnamed group chats
// have no name.
type GroupInfo struct {
	Name    string   `json:"name,omitempty"`
	Members []Person `json:"members"`
}

// UserInfo is user_info.json.
type UserInfo struct {
	User       Person       `json:"user"`
	Membership []Membership `json:"membership_info"`
}

// Membership is one of the user's spaces: group_id is the space's folder
// ("Space <id>", "DM <id>").
type Membership struct {
	GroupName       string `json:"group_name,omitempty"`
	GroupID         string `json:"group_id"`
	MembershipState string `json:"membership_state"`
}

func person(u *chat.User) Person {
	if u == nil {
		return Person{Name: "unknown", UserType: "Human"}
	}
	p := Person{Name: u.DisplayName, Email: u.Email, UserType: "Human"}
	if u.Type == "BOT" {
		p.UserType = "Bot"
	}
	if p.Name == "" {
		p.Name = u.Name
	}
	return p
}

func messageRecord(m *chat.Message, names attachmentNames) Message {
	space, id := splitName(m.Name, "/messages/")
	topic := id
	if m.Thread != nil && m.Thread.Name != "" {
		_, topic = splitName(m.Thread.Name, "/threads/")
	}
	r := Message{Creator: person(m.Sender), CreatedDate: createdDate(m.CreateTime), Text: m.Text,
		TopicID: topic, MessageID: space + "/" + topic + "/" + id}
	for _, a := range m.Attachment {
		if a.AttachmentDataRef != nil && a.AttachmentDataRef.ResourceName != "" {
			r.AttachedFiles = append(r.AttachedFiles, Attached{OriginalName: a.ContentName, ExportName: names.of(a)})
		} else if a.DriveDataRef != nil {
			r.Annotations = append(r.Annotations, Annotation{DriveMetadata: DriveMetadata{ID: a.DriveDataRef.DriveFileId,
				Title: a.ContentName, ThumbnailURL: a.ThumbnailUri}})
		}
	}
	return r
}

// splitName splits "spaces/S<sep>X" into S and X.
func splitName(name, sep string) (string, string) {
	space, id, _ := strings.Cut(strings.TrimPrefix(name, "spaces/"), sep)
	return space, id
}

func groupInfo(sp *chat.Space, members []*chat.Membership) GroupInfo {
	g := GroupInfo{Name: sp.DisplayName, Members: []Person{}}
	for _, m := range members {
		g.Members = append(g.Members, person(m.Member))
	}
	return g
}

func userInfo(a connector.Account, spaces []*chat.Space) UserInfo {
	u := UserInfo{User: Person{Name: a.Name, Email: a.ID, UserType: "Human"}, Membership: []Membership{}}
	if u.User.Name == "" {
		u.User.Name = a.ID
	}
	for _, sp := range spaces {
		u.Membership = append(u.Membership, Membership{GroupName: sp.DisplayName,
			GroupID: spaceFolder(sp), MembershipState: "MEMBER_JOINED"})
	}
	return u
}
