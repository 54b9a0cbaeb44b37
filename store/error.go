package store

import (
	"errors"
	"fmt"
)

// Code classifies an error so that the Slack layer can choose a reply.
// Codes are stable strings; they may be logged and compared.
type Code string

// Error codes. Every store method documents which ones it returns; anything
// else (disk errors, a cancelled context, a bbolt failure) is Internal.
const (
	Invalid   Code = "invalid"   // The input breaks a rule; Message says which.
	NotFound  Code = "not_found" // The record does not exist.
	Conflict  Code = "conflict"  // The change clashes with existing data.
	Forbidden Code = "forbidden" // The user may not do this.
	Internal  Code = "internal"  // Anything else; details are only logged.
)

// Error is an application error. Message is written for the person using
// the bot: a full sentence that is safe to show as is.
type Error struct {
	Code    Code
	Message string
	// Field is the input field the error is about (one of the Field*
	// names), or "" for the request as a whole. A form shows Message on the
	// input of that field.
	Field string
}

// Input field names: the Field of an *Error. Each names a field of a
// method's input (IssueInput, VoucherInput, …); the Slack layer maps them
// to a form's inputs, so a store error lands on the input it concerns.
const (
	FieldCreator     = "creator"     // a creator handle, or the creators of a pitch
	FieldCategory    = "category"    // IssueInput.Category
	FieldPriority    = "priority"    // IssueInput.Priority
	FieldDescription = "description" // IssueInput.Description
	FieldOrderID     = "order_id"    // IssueInput.OrderID
	FieldLink        = "link"        // IssueInput.Link
	FieldStatus      = "status"      // the status a change moves to (Resolution.Status)
	FieldResolution  = "resolution"  // Resolution.Text
	FieldProduct     = "product"
	FieldValue       = "value"    // VoucherInput.Value, and the budget it must fit
	FieldCampaign    = "campaign" // VoucherInput.Campaign
	FieldExpires     = "expires"  // VoucherInput.ExpiresAt
	FieldDailyCap    = "daily_cap"
	FieldIdemKey     = "idem_key" // a form submitted before with other details
	FieldNote        = "note"
	FieldCommission  = "commission" // PitchInput.CommissionPct
	FieldTitle       = "title"      // TaskInput.Title
	FieldKind        = "kind"       // TaskInput.Kind
	FieldAssignee    = "assignee"   // TaskInput.Assignee
	FieldQuantity    = "quantity"   // TaskInput.Quantity, and progress added to a task
	FieldDue         = "due"        // TaskInput.Due
	FieldReason      = "reason"     // a reason picked or written (Resolution.Reason, a task's can't-do reason)
)

// Error implements the error interface. It returns the message only, so a
// coded error reads the same in a log line and in a reply.
func (e *Error) Error() string {
	return e.Message
}

// Errorf returns an *Error with the given code and a message formatted with
// fmt.Sprintf.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain. It returns
// "" for a nil error and Internal for an error that carries no code.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorField returns the Field of the first *Error in err's chain: the
// input field err is about, or "" for none.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// onField returns err about field: a copy of its *Error with Field set. An
// error that is not an *Error (or a codeError) is returned unchanged: it is
// not the user's to fix, so it belongs on no field.
func onField(field string, err error) error {
	switch e := err.(type) {
	case *Error:
		c := *e
		c.Field = field
		return &c
	case *codeError:
		c := *e.err
		c.Field = field
		return &codeError{kind: e.kind, err: &c}
	}
	return err
}

// ErrorMessage returns the user-facing message of err. Uncoded errors give
// the generic "Internal error." so that no low-level detail reaches a user;
// log those instead. A nil error gives "".
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// errMissing marks a record that an index points to but that does not
// exist: corruption, reported as Internal.
var errMissing = errors.New("record missing")
