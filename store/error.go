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
}

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
