package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// inputAction is the action_id of every input element; block IDs name the
// fields, so response_action errors land on the right one.
const inputAction = "v"

// viewMeta travels in a modal's private_metadata (≤ 3000 characters).
type viewMeta struct {
	Channel string `json:"c,omitempty"`
	Ref     string `json:"r,omitempty"` // feature-specific reference (an ID, a handle)
	Extra   string `json:"x,omitempty"`
}

func (m viewMeta) encode() string {
	b, _ := json.Marshal(m) // a struct of strings always marshals
	s := string(b)
	if len(s) > maxMetadataLen {
		m.Extra = ""
		b, _ = json.Marshal(m)
		s = string(b)
	}
	return s
}

func decodeMeta(s string) viewMeta {
	var m viewMeta
	_ = json.Unmarshal([]byte(s), &m) // foreign or empty metadata decodes to the zero value
	return m
}

// modal builds a modal view within Slack's title, button and metadata limits.
func modal(callbackID, title, submit string, meta viewMeta, blocks ...slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackID,
		Title:           plain(title, maxTitleLen),
		Close:           plain("Cancel", maxTitleLen),
		PrivateMetadata: meta.encode(),
		Blocks:          slack.Blocks{BlockSet: fitBlocks(blocks, maxViewBlocks, "…")},
	}
	if submit != "" {
		v.Submit = plain(submit, maxTitleLen)
	}
	return v
}

// openModal opens v with the request's trigger_id. The trigger is valid for
// 3 s and once only, so this is the first thing a handler does.
func (b *Bot) openModal(ctx context.Context, r *Request, v slack.ModalViewRequest) error {
	if r.TriggerID == "" {
		return errorf("This action cannot open a form here. Try the slash command instead.")
	}
	if _, err := b.api.OpenViewContext(ctx, r.TriggerID, v); err != nil {
		return fmt.Errorf("views.open %s: %w", v.CallbackID, err)
	}
	return nil
}

// textInput is a plain_text_input in an input block.
func textInput(blockID, label, placeholder, initial string, multiline bool, maxLen int, optional bool) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder, maxPlaceholder), inputAction)
	if initial != "" {
		el = el.WithInitialValue(truncate(initial, maxLen))
	}
	el = el.WithMultiline(multiline)
	if maxLen > 0 {
		el = el.WithMaxLength(maxLen)
	}
	return slack.NewInputBlock(blockID, plain(label, 2000), nil, el).WithOptional(optional)
}

// option is a select option within Slack's text and value limits.
func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(truncate(value, maxOptionValue), plain(label, maxOptionText), nil)
}

// selectInput is a static_select in an input block.
func selectInput(blockID, label string, initial string, optional bool, opts ...*slack.OptionBlockObject) *slack.InputBlock {
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose…", maxPlaceholder), inputAction, opts...)
	for _, o := range opts {
		if o.Value == initial {
			el.InitialOption = o
		}
	}
	return slack.NewInputBlock(blockID, plain(label, 2000), nil, el).WithOptional(optional)
}

// state reads submitted values by block ID.
type state map[string]map[string]slack.BlockAction

func viewState(r *Request) state {
	if r.Callback == nil || r.Callback.View.State == nil {
		return state{}
	}
	return r.Callback.View.State.Values
}

// text returns the trimmed value of a text input, selected option value,
// selected user, date or time, whichever the element in blockID produced.
func (s state) text(blockID string) string {
	a, ok := s[blockID][inputAction]
	if !ok {
		return ""
	}
	switch {
	case a.Value != "":
		return strings.TrimSpace(a.Value)
	case a.SelectedOption.Value != "":
		return a.SelectedOption.Value
	case a.SelectedUser != "":
		return a.SelectedUser
	case a.SelectedDate != "":
		return a.SelectedDate
	case a.SelectedTime != "":
		return a.SelectedTime
	}
	return ""
}

// fieldErrors collects response_action errors keyed by input block ID.
type fieldErrors map[string]string

func (f fieldErrors) response() *slack.ViewSubmissionResponse {
	if len(f) == 0 {
		return nil
	}
	for k, v := range f {
		f[k] = truncate(v, 2000)
	}
	return slack.NewErrorsViewSubmissionResponse(f)
}
