package devstack

import (
	"github.com/orgexport/orgexport/emulators/iamrecord"
)

// recordingEnv puts a recording proxy of each Google Cloud emulator in
// front of function name and returns the variables that point the function
// at its proxies, so the Cloud IAM permissions it exercises are recorded
// under its name (emulators/iamrecord). It does nothing without
// Options.Record.
func (s *Stack) recordingEnv(name string) (map[string]string, error) {
	rec := s.opts.Record
	if rec == nil {
		return nil, nil
	}
	env := map[string]string{}
	grpcs := []struct {
		variable, backend string
		classify          iamrecord.GRPCClassifier
	}{
		{"FIRESTORE_EMULATOR_HOST", s.firestore.HostPort(), iamrecord.Firestore},
		{"PUBSUB_EMULATOR_HOST", s.pubsub.HostPort(), iamrecord.PubSub},
		{"ORGEXPORT_CLOUDTASKS_ENDPOINT", s.tasks.Addr(), iamrecord.CloudTasks},
	}
	for _, g := range grpcs {
		p, err := iamrecord.StartGRPC(name, g.backend, rec, g.classify)
		if err != nil {
			return nil, err
		}
		s.onClose(p.Close)
		env[g.variable] = p.Addr()
	}
	storage, err := iamrecord.StartHTTP(name, "http://"+s.storage, rec, iamrecord.Storage("http://"+s.storage))
	if err != nil {
		return nil, err
	}
	s.onClose(storage.Close)
	env["STORAGE_EMULATOR_HOST"] = storage.Addr()
	ws, err := iamrecord.StartHTTP(name, s.Workspace.URL(), rec, iamrecord.IAMCredentials)
	if err != nil {
		return nil, err
	}
	s.onClose(ws.Close)
	s.Workspace.AddAlias("http://" + ws.Addr())
	env["ORGEXPORT_WORKSPACE_ENDPOINT"] = "http://" + ws.Addr()
	return env, nil
}
