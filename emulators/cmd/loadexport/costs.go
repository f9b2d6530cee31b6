package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/iamrecord"
)

// metrics are the counters printed, in order, with their labels: what
// Google bills or limits an export by.
var metrics = []struct{ key, label string }{
	{"rpc google.firestore.v1.Firestore/BeginTransaction", "Firestore transactions"},
	{"rpc google.firestore.v1.Firestore/Commit", "Firestore commits"},
	{iamrecord.DocumentsWritten, "Firestore documents written"},
	{iamrecord.DocumentsRead, "Firestore documents read"},
	{"rpc google.firestore.v1.Firestore/RunQuery", "Firestore queries"},
	{"rpc google.firestore.v1.Firestore/RunAggregationQuery", "Firestore aggregation queries"},
	{"rpc google.firestore.v1.Firestore/BatchGetDocuments", "Firestore batch gets"},
	{iamrecord.TasksCreated, "Cloud Tasks created"},
	{iamrecord.MessagesPublished, "Pub/Sub messages published"},
	{"storage.objects.create", "Cloud Storage objects written"},
	{"storage.objects.get", "Cloud Storage object reads"},
	{"iam.serviceAccounts.signJwt", "IAM Credentials signJwt calls"},
}

// printCosts writes the run's figures: wall time, the counters per
// function and per account, and each function's peak resident set.
func printCosts(w io.Writer, res result, counts map[string]map[string]int64, usage map[string]devstack.Usage) {
	accounts := int64(0)
	if res.view.Totals != nil {
		accounts = int64(res.view.Totals.Accounts)
	}
	fmt.Fprintf(w, "\nExport %s: %s, %d accounts, %d files, %d failed.\n", res.view.ID, res.view.State, accounts,
		res.view.Totals.Files, res.view.Totals.FailedItems)
	fmt.Fprintf(w, "Wall time: %v from the start request (%v of it after the hold).\n",
		res.finished.Sub(res.began).Round(time.Second), res.finished.Sub(res.running).Round(time.Second))
	functions := slices.Sorted(maps.Keys(counts))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\ttotal\tper account\t\n", strings.Join(functions, "\t"))
	for _, m := range metrics {
		total := int64(0)
		row := m.label
		for _, f := range functions {
			n := counts[f][m.key]
			total += n
			row += fmt.Sprintf("\t%d", n)
		}
		per := 0.0
		if accounts > 0 {
			per = float64(total) / float64(accounts)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t\n", row, total, per)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nEach function process, over the whole run (all its instances' work in one process):")
	for _, f := range slices.Sorted(maps.Keys(usage)) {
		fmt.Fprintf(w, "  %-16s peak resident set %6.1f MiB, CPU %v\n", f, float64(usage[f].PeakRSS)/(1<<20), usage[f].CPU.Round(10*time.Millisecond))
	}
}
