package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestErrorCodeAndMessage(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantMsg  string
	}{
		{"Nil", nil, "", ""},
		{"Coded", Errorf(NotFound, "There is no pitch #%d.", 7), NotFound, "There is no pitch #7."},
		{"Wrapped", fmt.Errorf("load: %w", Errorf(Conflict, "Taken.")), Conflict, "Taken."},
		{"Uncoded", errors.New("disk on fire"), Internal, "Internal error."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.wantCode {
				t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, tc.wantCode)
			}
			if got := ErrorMessage(tc.err); got != tc.wantMsg {
				t.Errorf("ErrorMessage(%v) = %q, want %q", tc.err, got, tc.wantMsg)
			}
		})
	}
}

func TestOnField(t *testing.T) {
	plain := Errorf(Invalid, "Too long.")
	if got := onField(FieldNote, plain); ErrorField(got) != FieldNote || ErrorCode(got) != Invalid || ErrorMessage(got) != "Too long." {
		t.Errorf("onField(*Error) = %#v", got)
	}
	if ErrorField(plain) != "" {
		t.Error("onField changed the error it was given")
	}
	ref := refusal(ErrVoucherBudget, FieldValue, "Refused.")
	if !errors.Is(ref, ErrVoucherBudget) || ErrorField(ref) != FieldValue || ErrorCode(ref) != Conflict {
		t.Errorf("refusal = %#v", ref)
	}
	internal := errors.New("disk on fire")
	if got := onField(FieldNote, internal); got != internal || ErrorField(got) != "" {
		t.Errorf("onField(uncoded) = %v: an internal error belongs on no field", got)
	}
	if onField(FieldNote, nil) != nil || ErrorField(nil) != "" {
		t.Error("onField(nil) is not nil")
	}
	if got := fmt.Errorf("load: %w", onField(FieldLink, plain)); ErrorField(got) != FieldLink {
		t.Errorf("ErrorField(wrapped) = %q", ErrorField(got))
	}
}

// TestErrorFields checks that what each create method refuses names the
// input field it is about, so a form can show it there.
func TestErrorFields(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustCampaign(t, db, "ramadan", 100_000)
	voucher := func(f func(*VoucherInput)) VoucherInput {
		nv := newVoucher(db, "U1", "sari", "Serum", 50_000, "ramadan")
		f(&nv)
		return nv
	}
	long := strings.Repeat("x", MaxNoteLen+1)
	for _, tc := range []struct {
		name  string
		err   func() error
		field string
	}{
		{"VoucherHandle", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Handle = "x!" }))
			return err
		}, FieldCreator},
		{"VoucherProduct", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Product = " " }))
			return err
		}, FieldProduct},
		{"VoucherNote", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Note = long }))
			return err
		}, FieldNote},
		{"VoucherValue", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Value = 0 }))
			return err
		}, FieldValue},
		{"VoucherBudget", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Value = 100_001 }))
			return err
		}, FieldValue},
		{"VoucherNoCampaign", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Campaign = "nope" }))
			return err
		}, FieldCampaign},
		{"VoucherBadCampaign", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.Campaign = "no way!" }))
			return err
		}, FieldCampaign},
		{"VoucherExpired", func() error {
			_, _, err := db.IssueVoucher(ctx, voucher(func(n *VoucherInput) { n.ExpiresAt = db.Now().Add(-time.Hour) }))
			return err
		}, FieldExpires},
		{"PitchCommission", func() error {
			_, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{"sari"}, Product: "Serum", CommissionPct: 99})
			return err
		}, FieldCommission},
		{"PitchNoCreators", func() error { _, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Product: "Serum"}); return err }, FieldCreator},
		{"TaskTitle", func() error {
			_, err := db.CreateTask(ctx, TaskInput{Assigner: "U1", Assignee: "U2", Kind: KindFollowUp, Due: db.Now().Add(time.Hour)})
			return err
		}, FieldTitle},
		{"IssueLink", func() error {
			n := newIssue("sari")
			n.Link = "not a link"
			_, err := db.CreateIssue(ctx, n)
			return err
		}, FieldLink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if ErrorCode(err) == Internal || ErrorCode(err) == "" || ErrorField(err) != tc.field {
				t.Errorf("err = %v (code %q), field %q; want field %q", err, ErrorCode(err), ErrorField(err), tc.field)
			}
		})
	}
}
