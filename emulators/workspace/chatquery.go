package workspace

import "strings"

// The Chat API's query languages, as far as the discovery document
// (chat/v1/chat-api.json) describes them: spaces.search's query and
// spaces.members.list's filter. Terms are `field op "value"` joined by AND
// or OR; anything else is INVALID_ARGUMENT, as the reference says.

// searchFields are the fields spaces.search's query may name when
// useAdminAccess is true (the reference's list).
var searchFields = map[string]bool{"create_time": true, "customer": true, "display_name": true,
	"external_user_allowed": true, "last_active_time": true, "space_history_state": true, "space_type": true}

// chatTerm is one `field op value` of a Chat query.
type chatTerm struct{ field, op, value string }

// splitQuery splits a query into terms and the operators between them.
func splitQuery(q string) (terms []chatTerm, ops []string, ok bool) {
	words := queryWords(q)
	for i := 0; i < len(words); {
		if len(terms) > 0 {
			if op := strings.ToUpper(words[i]); op == "AND" || op == "OR" {
				ops = append(ops, op)
				i++
			} else {
				return nil, nil, false
			}
		}
		if i+2 >= len(words) {
			return nil, nil, false
		}
		terms = append(terms, chatTerm{words[i], words[i+1], strings.Trim(words[i+2], `"`)})
		i += 3
	}
	return terms, ops, len(terms) > 0
}

// queryWords splits on spaces outside double quotes, and around the
// operators = != : < > <= >= written without spaces.
func queryWords(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '"':
			quoted = !quoted
			cur.WriteByte(c)
		case quoted:
			cur.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case strings.IndexByte("=!:<>", c) >= 0:
			flush()
			op := string(c)
			if i+1 < len(q) && q[i+1] == '=' {
				op += "="
				i++
			}
			out = append(out, op)
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// checkSearchQuery checks an admin's spaces.search query: only the
// documented fields, `customer = "customers/my_customer"` and
// `space_type = "SPACE"` both required, AND between different fields.
func checkSearchQuery(q string) error {
	terms, ops, ok := splitQuery(q)
	if !ok {
		return invalidArgument("query", "Invalid query: "+q)
	}
	for _, op := range ops {
		if op != "AND" {
			// OR is allowed only within some fields; the emulator takes
			// none of them.
			return invalidArgument("query", "Invalid query: only AND is supported across fields: "+q)
		}
	}
	var customer, spaceType bool
	for _, t := range terms {
		if !searchFields[t.field] {
			return invalidArgument("query", "Invalid query: unsupported field "+t.field+" (fields are create_time, customer, display_name, external_user_allowed, last_active_time, space_history_state, space_type)")
		}
		switch t.field {
		case "customer":
			if t.op != "=" || t.value != "customers/my_customer" {
				return invalidArgument("query", `Invalid query: customers/my_customer is the only supported value of customer`)
			}
			customer = true
		case "space_type":
			if t.op != "=" || t.value != "SPACE" {
				return invalidArgument("query", `Invalid query: the only valid value of space_type is SPACE`)
			}
			spaceType = true
		}
	}
	if !customer {
		return invalidArgument("query", "customer is required when use_admin_access is set to true")
	}
	if !spaceType {
		return invalidArgument("query", "space_type is required")
	}
	return nil
}

// parseMemberFilter reads spaces.members.list's filter: role and
// member.type terms joined by AND or OR. With admin access it must hold
// `member.type = "HUMAN"` or `member.type != "BOT"`. The emulator's
// members are all human, so member.type terms select everyone (HUMAN, !=
// BOT) or no one (BOT, != HUMAN); the function returns which roles pass.
func parseMemberFilter(f string, admin bool) (func(role string) bool, error) {
	const required = `Either member.type = "HUMAN" or member.type != "BOT" is required when use_admin_access is set to true.`
	if strings.TrimSpace(f) == "" {
		if admin {
			return nil, invalidArgument("filter", required)
		}
		return func(string) bool { return true }, nil
	}
	terms, ops, ok := splitQuery(f)
	if !ok {
		return nil, invalidArgument("filter", "Invalid filter: "+f)
	}
	human, humanOK := false, true
	var roles []string
	for _, t := range terms {
		switch {
		case t.field == "member.type" && (t.value == "HUMAN" || t.value == "BOT") && (t.op == "=" || t.op == "!="):
			isHuman := (t.value == "HUMAN") == (t.op == "=")
			if !isHuman && admin {
				return nil, invalidArgument("filter", "Invalid filter: "+required)
			}
			human = human || isHuman
			humanOK = humanOK && isHuman
		case t.field == "role" && t.op == "=" && (t.value == "ROLE_MEMBER" || t.value == "ROLE_MANAGER"):
			roles = append(roles, t.value)
		default:
			return nil, invalidArgument("filter", "Invalid filter: "+f)
		}
	}
	if admin && !human {
		return nil, invalidArgument("filter", required)
	}
	or := len(ops) > 0 && ops[0] == "OR"
	return func(role string) bool {
		roleOK := len(roles) == 0
		for _, r := range roles {
			roleOK = roleOK || r == role
		}
		if or {
			return roleOK || humanOK
		}
		return roleOK && humanOK
	}, nil
}
