package store

import (
	"strconv"
	"strings"
	"time"
)

// Audit actions and entities of tasks. Kept with the feature (not in
// audit.go) so parallel branches merge without conflicts.
const (
	ActionTaskCreate   = "task.create"   // After: the new task.
	ActionTaskStatus   = "task.status"   // Before/After: bare statuses, e.g. "assigned" → "accepted".
	ActionTaskProgress = "task.progress" // After: {"added":n,"done":total,"note":…}.
	ActionTaskCapacity = "task.capacity" // Before/After: units per day ("" = the default).
)

// TaskEntity returns the audit entity name of a task, e.g. "task:7".
func TaskEntity(id uint64) string { return "task:" + strconv.FormatUint(id, 10) }

// CapacityEntity returns the audit entity of a person's daily capacity.
func CapacityEntity(userID string) string { return "capacity:" + userID }

// TaskKind is what sort of work a task is. Values are stored.
type TaskKind string

// Task kinds. A Pitching task counts the assignee's /pitch logs toward its
// quantity.
const (
	KindPitching      TaskKind = "pitching"
	KindFollowUp      TaskKind = "follow_up"
	KindSampleCheck   TaskKind = "sample_check"
	KindContentReview TaskKind = "content_review"
	KindOther         TaskKind = "other"
)

var taskKinds = []struct {
	kind  TaskKind
	label string
}{
	{KindPitching, "Pitching"},
	{KindFollowUp, "Follow-up"},
	{KindSampleCheck, "Sample check"},
	{KindContentReview, "Content review"},
	{KindOther, "Other"},
}

// TaskKinds returns every kind in menu order.
func TaskKinds() []TaskKind {
	out := make([]TaskKind, len(taskKinds))
	for i, k := range taskKinds {
		out[i] = k.kind
	}
	return out
}

// Label is the kind as shown to people, e.g. "Follow-up".
func (k TaskKind) Label() string {
	for _, tk := range taskKinds {
		if tk.kind == k {
			return tk.label
		}
	}
	return string(k)
}

// Valid reports whether k is a defined kind.
func (k TaskKind) Valid() bool {
	for _, tk := range taskKinds {
		if tk.kind == k {
			return true
		}
	}
	return false
}

// TaskStatus is where a task stands. Values are stored.
type TaskStatus string

// Task statuses. Assigned, Accepted and InProgress are open.
const (
	TaskAssigned   TaskStatus = "assigned"
	TaskAccepted   TaskStatus = "accepted"
	TaskInProgress TaskStatus = "in_progress"
	TaskDone       TaskStatus = "done"
	TaskCantDo     TaskStatus = "cant_do"
)

// Label is the status as shown to people, e.g. "Can't do".
func (s TaskStatus) Label() string {
	switch s {
	case TaskAssigned:
		return "Assigned"
	case TaskAccepted:
		return "Accepted"
	case TaskInProgress:
		return "In progress"
	case TaskDone:
		return "Done"
	case TaskCantDo:
		return "Can't do"
	}
	return string(s)
}

// Open reports whether the task still counts as work to do.
func (s TaskStatus) Open() bool {
	return s == TaskAssigned || s == TaskAccepted || s == TaskInProgress
}

// Valid reports whether s is a defined status.
func (s TaskStatus) Valid() bool { return s.Open() || s == TaskDone || s == TaskCantDo }

// TaskEvent is one step of a task's history, oldest first.
type TaskEvent struct {
	At     time.Time  `json:"at"`
	UserID string     `json:"user_id"`
	From   TaskStatus `json:"from,omitempty"`
	To     TaskStatus `json:"to,omitempty"`
	Added  int        `json:"added,omitempty"` // progress units added
	Note   string     `json:"note,omitempty"`  // progress note or the reason for Can't do
}

// Task is one piece of outsource work assigned to one person.
//
// Due is the deadline instant (UTC). When DueHasTime is false the task is
// due "by the end of" a day and Due is the following local midnight, so the
// task turns overdue when that day is over. DoneQty counts progress
// reported by hand; Pitched, filled by every read, counts the pitches the
// assignee logged while the task was accepted (Pitching tasks only).
type Task struct {
	ID         uint64      `json:"id"`
	Assignee   string      `json:"assignee"`
	Assigner   string      `json:"assigner"`
	Title      string      `json:"title"`
	Kind       TaskKind    `json:"kind"`
	Quantity   int         `json:"quantity,omitempty"`
	DoneQty    int         `json:"done_qty,omitempty"`
	Due        time.Time   `json:"due"`
	DueHasTime bool        `json:"due_has_time,omitempty"`
	Note       string      `json:"note,omitempty"`
	Creators   []string    `json:"creators,omitempty"`
	Status     TaskStatus  `json:"status"`
	Reason     string      `json:"reason,omitempty"` // why Can't do
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	AcceptedAt time.Time   `json:"accepted_at,omitzero"`
	ClosedAt   time.Time   `json:"closed_at,omitzero"`
	DMChannel  string      `json:"dm_channel,omitempty"` // the assignee's task message
	DMTS       string      `json:"dm_ts,omitempty"`
	History    []TaskEvent `json:"history,omitempty"`

	Pitched int `json:"-"` // computed on read, never stored
}

// Done returns the units done: reported by hand plus, for Pitching tasks,
// the pitches counted from /pitch.
func (t *Task) Done() int { return t.DoneQty + t.Pitched }

// Outstanding returns the units still to do: 0 for a closed task or one
// without a quantity.
func (t *Task) Outstanding() int {
	if !t.Status.Open() || t.Quantity <= 0 {
		return 0
	}
	return max(t.Quantity-t.Done(), 0)
}

// Limits of a task.
const (
	MaxTaskTitleLen  = 200
	MaxTaskQuantity  = 100000
	MaxTaskReasonLen = 1000
	MaxCapacity      = 10000
)

// TaskInput asks CreateTask to assign work.
type TaskInput struct {
	Assignee   string    `json:"assignee"`
	Assigner   string    `json:"assigner"`
	Title      string    `json:"title"`
	Kind       TaskKind  `json:"kind"`
	Quantity   int       `json:"quantity,omitempty"` // 0 = none
	Due        time.Time `json:"due"`
	DueHasTime bool      `json:"due_has_time,omitempty"`
	Note       string    `json:"note,omitempty"`
	// IdemKey, if set, makes CreateTask idempotent: a second call with the
	// same key (a redelivered form, a second Reassign of the same task)
	// creates nothing and returns Conflict naming the first task.
	IdemKey string `json:"-"`
}

// Validate returns Invalid, with a message for the user, if nt cannot be
// created.
func (nt TaskInput) Validate() error {
	if err := checkUser(nt.Assigner); err != nil {
		return err
	}
	if strings.TrimSpace(nt.Assignee) == "" {
		return onField(FieldAssignee, Errorf(Invalid, "Pick the person who should do the task."))
	}
	title := strings.TrimSpace(nt.Title)
	if title == "" {
		return onField(FieldTitle, Errorf(Invalid, "A task needs a title, like \"Pitch 40 beauty creators\"."))
	}
	if err := checkLen("The title", title, MaxTaskTitleLen); err != nil {
		return onField(FieldTitle, err)
	}
	if err := checkLen("The note", strings.TrimSpace(nt.Note), MaxNoteLen); err != nil {
		return onField(FieldNote, err)
	}
	if !nt.Kind.Valid() {
		return onField(FieldKind, Errorf(Invalid, "%s is not a task kind. Use Pitching, Follow-up, Sample check, Content review or Other.", quoteInput(string(nt.Kind))))
	}
	if nt.Quantity < 0 || nt.Quantity > MaxTaskQuantity {
		return onField(FieldQuantity, Errorf(Invalid, "The quantity must be a whole number from 1 to %d, or left empty.", MaxTaskQuantity))
	}
	if nt.Due.IsZero() {
		return onField(FieldDue, Errorf(Invalid, "A task needs a due date."))
	}
	return nil
}

// taskCreators returns the creator handles named with @ in the texts,
// normalised and de-duplicated. Slack mentions (<@U…>) and e-mail
// addresses are not handles; invalid handles are ignored.
func taskCreators(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range texts {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == ',' || r == '\n' || r == '\t' || r == ';' || r == '(' || r == ')' || r == '\u00a0'
		}) {
			if !strings.HasPrefix(f, "@") {
				continue
			}
			f = strings.TrimRight(f, ".:!?'\"")
			h, err := NormalizeHandle(f)
			if err != nil || seen[h] {
				continue
			}
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}
