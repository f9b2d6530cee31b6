package synth

// GroupSettings are the Groups Settings API's fields the emulator varies.
type GroupSettings struct {
	Email, Name, Description                      string
	WhoCanJoin, WhoCanViewMembership              string
	WhoCanViewGroup, WhoCanPostMessage            string
	MessageModerationLevel                        string
	AllowExternalMembers, ArchiveOnly, IsArchived bool
}

// GroupSettings returns the group's settings: they vary with its index.
func (g *Org) GroupSettings(gr Group) GroupSettings {
	joins := []string{"INVITED_CAN_JOIN", "ALL_IN_DOMAIN_CAN_JOIN", "CAN_REQUEST_TO_JOIN"}
	views := []string{"ALL_MEMBERS_CAN_VIEW", "ALL_IN_DOMAIN_CAN_VIEW", "ALL_MANAGERS_CAN_VIEW"}
	posts := []string{"ANYONE_CAN_POST", "ALL_MEMBERS_CAN_POST", "ALL_IN_DOMAIN_CAN_POST"}
	mods := []string{"MODERATE_NONE", "MODERATE_NON_MEMBERS"}
	i := gr.Index
	return GroupSettings{Email: gr.Email, Name: gr.Name, Description: gr.Description,
		WhoCanJoin: joins[i%3], WhoCanViewMembership: views[i%3], WhoCanViewGroup: views[(i+1)%3],
		WhoCanPostMessage: posts[i%3], MessageModerationLevel: mods[i%2],
		AllowExternalMembers: i%2 == 1, ArchiveOnly: i%5 == 4, IsArchived: i%4 == 0}
}
