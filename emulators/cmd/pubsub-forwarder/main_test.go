package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseRoute(t *testing.T) {
	r, err := parseRoute("topic=export-events,subscription=ar,endpoint=http://h/projects/p/topics/export-events,sa=a@b.iam.gserviceaccount.com,ack-deadline=60s,max-attempts=5,dead-letter=dlq")
	if err != nil {
		t.Fatal(err)
	}
	if r.Topic != "export-events" || r.Subscription != "ar" || r.Endpoint != "http://h/projects/p/topics/export-events" ||
		r.ServiceAccount != "a@b.iam.gserviceaccount.com" || r.AckDeadline != time.Minute || r.MaxDeliveryAttempts != 5 || r.DeadLetterTopic != "dlq" {
		t.Fatalf("%+v", r)
	}
	if _, err := parseRoute("topic=t,colour=blue"); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("unknown key accepted: %v", err)
	}
}

func TestParseNeedsEmulator(t *testing.T) {
	t.Setenv("PUBSUB_EMULATOR_HOST", "")
	_, err := parse([]string{"-project", "p", "-route", "topic=t,subscription=s,endpoint=http://h,sa=a@b"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PUBSUB_EMULATOR_HOST") {
		t.Fatalf("got %v", err)
	}
}
