package store

// Field is one field of a composite index, with its order.
type Field struct {
	Path  string
	Order string // "ASCENDING" or "DESCENDING"
}

// Query describes a query the store makes that needs a composite index in
// production (the emulator does not demand indexes). infra/firestore.tf must
// declare an index for each; a test in infra/ checks it.
type Query struct {
	Name            string
	CollectionGroup string
	// Scope is "COLLECTION" or "COLLECTION_GROUP".
	Scope  string
	Fields []Field
}

// Queries lists every query that needs a composite index.
var Queries = []Query{
	{
		Name: "exports past their 14-day deadline (R10)", CollectionGroup: "exports", Scope: "COLLECTION_GROUP",
		Fields: []Field{{"state", "ASCENDING"}, {"deadline", "ASCENDING"}},
	},
	{
		Name: "exports past retention (R12)", CollectionGroup: "exports", Scope: "COLLECTION_GROUP",
		Fields: []Field{{"state", "ASCENDING"}, {"expires", "ASCENDING"}},
	},
	{
		Name: "exports whose hold ended without a start", CollectionGroup: "exports", Scope: "COLLECTION_GROUP",
		Fields: []Field{{"state", "ASCENDING"}, {"holdEnd", "ASCENDING"}},
	},
	{
		Name: "cancelled exports whose data may not be deleted yet", CollectionGroup: "exports", Scope: "COLLECTION_GROUP",
		Fields: []Field{{"state", "ASCENDING"}, {"cancelledAt", "ASCENDING"}},
	},
	{
		Name: "exports with an email not sent yet", CollectionGroup: "exports", Scope: "COLLECTION_GROUP",
		Fields: []Field{{"mailPending", "ASCENDING"}, {"requestedAt", "ASCENDING"}},
	},
	{
		Name: "accounts with no heartbeat (stuck work)", CollectionGroup: "accounts", Scope: "COLLECTION",
		Fields: []Field{{"state", "ASCENDING"}, {"heartbeat", "ASCENDING"}},
	},
	{
		Name: "final accounts of a type (console progress)", CollectionGroup: "accounts", Scope: "COLLECTION",
		Fields: []Field{{"type", "ASCENDING"}, {"state", "ASCENDING"}},
	},
}
