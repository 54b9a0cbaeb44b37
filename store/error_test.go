package store

import (
	"errors"
	"fmt"
	"testing"
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
