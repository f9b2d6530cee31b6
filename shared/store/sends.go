package store

import (
	"context"
	"fmt"
)

// ForgetSend removes the record of an email that could not be sent, so a
// later attempt sends it (RecordSend then returns true again).
func (s *Store) ForgetSend(ctx context.Context, cid, eid, kind string) error {
	if err := validID(cid, eid, kind); err != nil {
		return err
	}
	if _, err := s.export(cid, eid).Collection("sends").Doc(kind).Delete(ctx); err != nil {
		return fmt.Errorf("forget %s email of %s: %w", kind, eid, err)
	}
	return nil
}
