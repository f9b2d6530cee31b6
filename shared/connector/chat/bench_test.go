package chat_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

// BenchmarkExport exports the named spaces of a Demo organisation from the
// emulator (in process, over loopback HTTP), each read as a member.
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.Users, opts.ChatSpaces, opts.MessagesPerChat = 6, 3, 300
	env := connectortest.Start(b, opts)
	c := chat.New(env.Factory, chat.Options{})
	var spaces []connector.Account
	for _, a := range env.Accounts() {
		if a.Kind == chat.KindSpace {
			spaces = append(spaces, a)
		}
	}
	connectortest.Bench(b, c, spaces)
}
