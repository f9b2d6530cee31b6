package main

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var ls []time.Duration
	for i := 1; i <= 100; i++ {
		ls = append(ls, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond, 1: time.Millisecond} {
		if got := percentile(ls, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if got := percentile(ls[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %v", got)
	}
}

func TestCheckWantsOneAcceptedAndConflictsNamingIt(t *testing.T) {
	ok := []sample{{code: 202}, {code: 409}}
	ans := make([]answer, 2)
	ans[0].ID = "e1"
	ans[1].Error.Details = append(ans[1].Error.Details, struct {
		ExportID string `json:"export_id"`
	}{"e1"})
	if w, err := check(ok, ans, make([]error, 2)); err != nil || w != "e1" {
		t.Errorf("check = %q, %v", w, err)
	}
	if _, err := check([]sample{{code: 202}, {code: 202}}, ans, make([]error, 2)); err == nil {
		t.Error("two accepted passed")
	}
	ans[1].Error.Details[0].ExportID = "other"
	if _, err := check(ok, ans, make([]error, 2)); err == nil {
		t.Error("a conflict naming another export passed")
	}
}
