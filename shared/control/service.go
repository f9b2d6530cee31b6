package control

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// Service is the control plane.
type Service struct {
	Store     Store
	Directory Directory
	Mail      Outbox
	Tasks     Enqueuer
	Events    Events
	Archive   Archive
	Log       *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Hold is the wait when there are several super administrators (R3a).
	Hold time.Duration
	// Work is what Housekeeping reads beyond Store; nil elsewhere.
	Work Work
	// Checker runs the setup check (StartExport only).
	Checker SetupChecker
	// Estimator predicts an export from the usage reports (StartExport
	// only); nil: no estimate.
	Estimator Estimator
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// StartRequest is the body of POST /exports. It has no options: an export
// always covers everything (R5). Fields that try to choose are named so the
// refusal can say which.
type StartRequest struct {
	Users     any `json:"users,omitempty"`
	Products  any `json:"products,omitempty"`
	Services  any `json:"services,omitempty"`
	OrgUnits  any `json:"orgUnits,omitempty"`
	Groups    any `json:"groups,omitempty"`
	DataTypes any `json:"dataTypes,omitempty"`
	Accounts  any `json:"accounts,omitempty"`
}

func (r StartRequest) selection() []string {
	var f []string
	for name, v := range map[string]any{"users": r.Users, "products": r.Products, "services": r.Services,
		"orgUnits": r.OrgUnits, "groups": r.Groups, "dataTypes": r.DataTypes, "accounts": r.Accounts} {
		if v != nil {
			f = append(f, name)
		}
	}
	slices.Sort(f)
	return f
}

// superAdmin looks up the caller and requires a super administrator.
func (s *Service) superAdmin(ctx context.Context, p auth.Principal) (Org, export.Requester, error) {
	org, req, err := s.lookup(ctx, p)
	if err != nil {
		return Org{}, export.Requester{}, err
	}
	if !req.IsSuperAdmin {
		return Org{}, export.Requester{}, ErrNotSuperAdmin
	}
	return org, req, nil
}

// lookup finds the caller in the Directory. The token must say which
// Workspace organisation the account belongs to (Google's "hd" claim): a
// consumer Google account can carry a verified email address of a
// Workspace domain without belonging to it, and must not be taken for the
// Workspace user of that address.
func (s *Service) lookup(ctx context.Context, p auth.Principal) (Org, export.Requester, error) {
	if p.HostedDomain == "" {
		return Org{}, export.Requester{}, ErrUnknownUser
	}
	org, req, err := s.Directory.Lookup(ctx, p.Email)
	if err != nil {
		return Org{}, export.Requester{}, err
	}
	// The hosted domain is the organisation's primary domain, or the
	// caller's own (secondary) domain; the Directory, read as the caller,
	// decided the organisation.
	_, own, _ := strings.Cut(p.Email, "@")
	if !strings.EqualFold(p.HostedDomain, org.Domain) && !strings.EqualFold(p.HostedDomain, own) {
		return Org{}, export.Requester{}, ErrUnknownUser
	}
	return org, req, nil
}

// Start requests an export for the caller's organisation.
func (s *Service) Start(ctx context.Context, p auth.Principal, body StartRequest) (*export.Export, error) {
	if f := body.selection(); len(f) > 0 {
		return nil, &SelectionError{Fields: f}
	}
	org, req, err := s.lookup(ctx, p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec, err := s.Store.Organisation(ctx, org.CustomerID)
	if err != nil {
		return nil, err
	}
	users := 0
	if req.IsSuperAdmin { // only a super admin may read the Directory
		if users, err = s.Directory.CountUsers(ctx, p.Email); err != nil {
			return nil, err
		}
	}
	req.OrgCreated, req.OrgUsers = org.Created, users
	req.OverrideGranted, req.OverrideUntil = !rec.OverrideUntil.IsZero(), rec.OverrideUntil
	if refusals := export.Eligibility(req, now); len(refusals) > 0 {
		return nil, s.refused(ctx, org, p, now, &RefusedError{Refusals: refusals})
	}
	admins, err := s.Directory.SuperAdmins(ctx, org, p.Email)
	if err != nil {
		return nil, err
	}
	e := &export.Export{
		ID: newID(now), CustomerID: org.CustomerID, Domain: org.Domain, State: export.OnHold,
		RequestedBy: p.Email, SuperAdmins: admins, RequestedAt: now,
		HoldEnd: export.HoldEnd(now, len(admins), s.Hold),
	}
	if req.IsSuperAdmin {
		e.Estimate = s.estimateFor(ctx, p.Email)
	}
	e.Prefix = e.CustomerID + "/" + e.ID + "/"
	if len(admins) > 1 { // R3a; with one super administrator the export starts at once, unannounced
		e.Queue(export.MailHoldNotice, admins, now)
	}
	audit := export.AuditEntry{At: now, Actor: p.Email, Action: export.ActionStart, ExportID: e.ID,
		Detail: map[string]any{"holdEnd": e.HoldEnd, "superAdmins": len(admins)}}
	if err := s.Store.Start(ctx, e, audit, now); err != nil {
		var ae *export.ActiveError
		var ce *export.CooldownError
		if errors.As(err, &ae) || errors.As(err, &ce) {
			return nil, s.refused(ctx, org, p, now, err)
		}
		return nil, err
	}
	// The task and the emails come after the record; if either fails, the
	// export stands and Housekeeping enqueues a start that went missing and
	// sends the emails still queued.
	if err := s.enqueueBegin(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "begin task not created; housekeeping will retry", "export", e.ID, "error", err)
	}
	s.flush(ctx, e)
	return e, nil
}

// refused records a refused start in the audit log and returns why it was
// refused; if the record cannot be written, the caller gets neither.
func (s *Service) refused(ctx context.Context, org Org, p auth.Principal, now time.Time, why error) error {
	entry := export.AuditEntry{At: now, Actor: p.Email, Action: export.ActionStartRefused,
		Detail: map[string]any{"reason": why.Error()}}
	if err := s.Store.AppendAudit(ctx, org.CustomerID, entry); err != nil {
		return fmt.Errorf("record refused start: %w", err)
	}
	return why
}

func (s *Service) enqueueBegin(ctx context.Context, e *export.Export) error {
	return s.Tasks.Enqueue(ctx, export.BeginAt(e))
}

// flush sends e's queued emails. One that cannot be sent now stays queued
// and Housekeeping sends it later: the export goes on regardless.
func (s *Service) flush(ctx context.Context, e *export.Export) {
	if s.Mail == nil || len(e.Unsent()) == 0 {
		return
	}
	if err := s.Mail.Flush(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "email not sent now; housekeeping will send it", "export", e.ID, "error", err)
	}
}

func newID(now time.Time) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return now.Format("20060102") + "-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Get returns one export of the caller's organisation.
func (s *Service) Get(ctx context.Context, p auth.Principal, eid string) (*export.Export, error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Store.Export(ctx, org.CustomerID, eid)
}

// List returns the caller's organisation's exports, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal) ([]*export.Export, error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Store.Exports(ctx, org.CustomerID, 100)
}

// AuditLog returns the caller's organisation's audit log (R15).
func (s *Service) AuditLog(ctx context.Context, p auth.Principal) ([]export.AuditEntry, error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Store.Audit(ctx, org.CustomerID, 1000)
}

// Progress is how far an export is: its accounts, those that are final,
// and the files, failed items and bytes written so far.
type Progress = export.Sums

// Progress reads how far an export is.
func (s *Service) Progress(ctx context.Context, e *export.Export) (Progress, error) {
	return s.Store.SumAccounts(ctx, e.CustomerID, e.ID)
}

// Cancel stops an export on hold (R3d) or running. The super
// administrators are told.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, eid, note string) (*export.Export, error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, org.CustomerID, eid, p.Email, note, "")
}

// cancel cancels an export on hold or running and emails its super
// administrators, except notify.
func (s *Service) cancel(ctx context.Context, cid, eid, by, note, except string) (*export.Export, error) {
	now := s.now()
	e, err := s.Store.Update(ctx, cid, eid, func(e *export.Export) ([]export.AuditEntry, error) {
		if e.State != export.OnHold && e.State != export.Running {
			return nil, &StateError{State: e.State, Action: "cancelled"}
		}
		e.State, e.CancelledAt, e.CancelledBy, e.CancelNote = export.Cancelled, now, by, note
		admins := slices.DeleteFunc(slices.Clone(e.SuperAdmins), func(a string) bool { return strings.EqualFold(a, except) })
		if len(admins) == 0 {
			admins = []string{e.RequestedBy}
		}
		e.Queue(export.MailCancelled, admins, now)
		return []export.AuditEntry{{At: now, Actor: by, Action: export.ActionCancel, ExportID: e.ID,
			Detail: map[string]any{"note": note}}}, nil
	})
	if err != nil {
		return nil, err
	}
	s.noteRetry(ctx, e)
	// What was exported so far is deleted by the purge task, not left for
	// the lifecycle rule; if it cannot be created now, Housekeeping does.
	if s.Tasks == nil {
		s.Log.WarnContext(ctx, "no task queue here; housekeeping will enqueue the purge", "export", e.ID)
	} else if err := s.Tasks.Enqueue(ctx, export.PurgeData(e)); err != nil {
		s.Log.ErrorContext(ctx, "purge task not created; housekeeping will retry", "export", e.ID, "error", err)
	}
	s.flush(ctx, e)
	return e, nil
}

// CancelIfRequesterLost cancels e when its requester is no longer a super
// administrator (R3c) and reports whether it did; the other super
// administrators are emailed. The phases call it before they start. The
// Directory answers only to administrators, so a requester it refuses
// (ErrNotSuperAdmin) or no longer knows (ErrUnknownUser) has lost the role.
func (s *Service) CancelIfRequesterLost(ctx context.Context, e *export.Export) (bool, error) {
	_, req, err := s.Directory.Lookup(ctx, e.RequestedBy)
	lost := errors.Is(err, ErrUnknownUser) || errors.Is(err, ErrNotSuperAdmin)
	if err != nil && !lost {
		return false, fmt.Errorf("check requester of %s: %w", e.ID, err)
	}
	if err == nil && req.IsSuperAdmin {
		return false, nil
	}
	_, err = s.cancel(ctx, e.CustomerID, e.ID, "orgexport", "The requester "+e.RequestedBy+" is no longer a super administrator.", e.RequestedBy)
	var se *StateError
	if errors.As(err, &se) {
		return false, nil
	}
	return err == nil, err
}
