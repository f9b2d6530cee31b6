package workspace

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) groupsSettingsRoutes(api func(string, string, http.HandlerFunc)) {
	api("groupssettings", "GET /groups/v1/groups/{group}", handle(s.getGroupSettings))
	api("directory", "GET "+dirPrefix+"/groups/{groupKey}", handle(s.getGroup))
}

// group finds a group by id or email.
func (s *Server) group(key string) (synth.Group, bool) {
	for _, g := range s.org.Groups() {
		if g.ID == key || strings.EqualFold(g.Email, key) {
			return g, true
		}
	}
	return synth.Group{}, false
}

// getGroup is Directory groups.get.
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	g, ok := s.group(r.PathValue("groupKey"))
	if !ok {
		return notFound("Resource Not Found: groupKey")
	}
	reply(w, r, obj{"kind": "admin#directory#group", "id": g.ID, "etag": etag(g.ID), "email": g.Email, "name": g.Name,
		"description": g.Description, "directMembersCount": strconv.Itoa(len(g.Members)), "adminCreated": true}, "")
	return nil
}

// getGroupSettings is groupssettings.groups.get, for administrators. The
// API answers Atom XML unless alt=json; the emulator speaks JSON only and
// says so.
func (s *Server) getGroupSettings(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if r.URL.Query().Get("alt") != "json" {
		return badRequest("The emulator serves Groups settings as JSON only: add alt=json.")
	}
	g, ok := s.group(r.PathValue("group"))
	if !ok {
		return notFound("Resource Not Found: groupUniqueId")
	}
	reply(w, r, groupSettingsJSON(s.org.GroupSettings(g)), "")
	return nil
}

func groupSettingsJSON(g synth.GroupSettings) obj {
	return obj{"kind": "groupsSettings#groups", "email": g.Email, "name": g.Name, "description": g.Description,
		"whoCanJoin": g.WhoCanJoin, "whoCanViewMembership": g.WhoCanViewMembership, "whoCanViewGroup": g.WhoCanViewGroup,
		"whoCanPostMessage": g.WhoCanPostMessage, "allowExternalMembers": boolString(g.AllowExternalMembers),
		"allowWebPosting": "true", "archiveOnly": boolString(g.ArchiveOnly), "isArchived": boolString(g.IsArchived),
		"messageModerationLevel": g.MessageModerationLevel, "spamModerationLevel": "MODERATE",
		"replyTo": "REPLY_TO_IGNORE", "includeInGlobalAddressList": "true", "showInGroupDirectory": "false",
		"maxMessageBytes": 26214400, "primaryLanguage": "en", "whoCanContactOwner": "ANYONE_CAN_CONTACT",
		"whoCanLeaveGroup": "ALL_MEMBERS_CAN_LEAVE", "whoCanDiscoverGroup": "ALL_IN_DOMAIN_CAN_DISCOVER",
		"enableCollaborativeInbox": "false", "customRolesEnabledForSettingsToBeMerged": "false",
		"whoCanModerateMembers": "OWNERS_AND_MANAGERS", "whoCanModerateContent": "OWNERS_AND_MANAGERS",
		"whoCanAssistContent": "NONE", "membersCanPostAsTheGroup": "false", "includeCustomFooter": "false",
		"sendMessageDenyNotification": "false", "favoriteRepliesOnTop": "true", "default_sender": "DEFAULT_SELF"}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
