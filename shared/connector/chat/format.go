package chat

import (
	_ "embed"
	"strings"

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

// Message is one message of messages.json.
type Message struct {
	MessageID     string     `json:"message_id"`
	Creator       Person     `json:"creator"`
	CreatedDate   string     `json:"created_date"`
	Text          string     `json:"text"`
	TopicID       string     `json:"topic_id,omitempty"`
	AttachedFiles []Attached `json:"attached_files,omitempty"`
	DriveFiles    []string   `json:"drive_files,omitempty"`
}

// Attached names an uploaded attachment and its file in the folder.
type Attached struct {
	OriginalName string `json:"original_name"`
	ExportName   string `json:"export_name"`
}

// GroupInfo is group_info.json.
type GroupInfo struct {
	Name      string   `json:"name"`
	SpaceType string   `json:"space_type"`
	Members   []Person `json:"members"`
}

// UserInfo is user_info.json.
type UserInfo struct {
	User       Person       `json:"user"`
	Membership []Membership `json:"membership_info"`
}

// Membership is one of the user's spaces.
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
	r := Message{MessageID: m.Name, Creator: person(m.Sender), CreatedDate: m.CreateTime, Text: m.Text}
	if m.Thread != nil {
		r.TopicID = m.Thread.Name
	}
	for _, a := range m.Attachment {
		if a.AttachmentDataRef != nil && a.AttachmentDataRef.ResourceName != "" {
			r.AttachedFiles = append(r.AttachedFiles, Attached{OriginalName: a.ContentName, ExportName: names.of(a)})
		} else if a.DriveDataRef != nil {
			r.DriveFiles = append(r.DriveFiles, "https://drive.google.com/open?id="+a.DriveDataRef.DriveFileId)
		}
	}
	return r
}

func groupInfo(sp *chat.Space, members []*chat.Membership) GroupInfo {
	g := GroupInfo{Name: sp.DisplayName, SpaceType: sp.SpaceType, Members: []Person{}}
	if g.Name == "" {
		g.Name = spaceFolder(sp)
	}
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
			GroupID: strings.TrimPrefix(sp.Name, "spaces/"), MembershipState: "MEMBER"})
	}
	return u
}
