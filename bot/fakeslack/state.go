package fakeslack

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file turns the values a test gives into what the Slack client would
// send: view.state.values entries for input blocks, and block_actions
// actions.

// buildState builds view.state.values for obj. values is keyed by block_id
// (or, failing that, the element's action_id); inputs without a value keep
// their initial value. If submit is set it also applies the checks the
// Slack client makes before it sends a view_submission.
func buildState(obj map[string]any, values map[string]string, submit bool) (map[string]any, error) {
	state := map[string]any{}
	used := map[string]bool{}
	blocks, _ := obj["blocks"].([]any)
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		if block["type"] != "input" {
			continue
		}
		blockID, _ := block["block_id"].(string)
		el, _ := block["element"].(map[string]any)
		actionID, _ := el["action_id"].(string)
		v, given := values[blockID]
		key := blockID
		if !given {
			v, given = values[actionID]
			key = actionID
		}
		if given {
			used[key] = true
		}
		entry, filled, err := stateEntry(el, v, given, submit)
		if err != nil {
			return nil, fmt.Errorf("fakeslack: input block %q: %w", blockID, err)
		}
		if submit && !filled && block["optional"] != true {
			return nil, fmt.Errorf("fakeslack: input block %q is required and empty: the Slack client would not submit the view", blockID)
		}
		state[blockID] = map[string]any{actionID: entry}
	}
	for k := range values {
		if !used[k] {
			return nil, fmt.Errorf("fakeslack: the view has no input block with block_id or action_id %q", k)
		}
	}
	return state, nil
}

// stateEntry is one state.values entry in Slack's shape for the element
// type. filled reports whether the input counts as answered.
func stateEntry(el map[string]any, v string, given, submit bool) (map[string]any, bool, error) {
	typ, _ := el["type"].(string)
	e := map[string]any{"type": typ}
	switch typ {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		var val any
		if given {
			val = v
		} else if iv, ok := el["initial_value"].(string); ok {
			val = iv
		}
		e["value"] = val
		s, _ := val.(string)
		if s != "" && submit {
			if err := checkTextInput(el, typ, s); err != nil {
				return nil, false, err
			}
		}
		return e, s != "", nil
	case "static_select", "external_select", "radio_buttons":
		var opt any
		switch {
		case !given:
			opt = el["initial_option"]
		case v != "":
			o, err := pickOption(el, v)
			if err != nil {
				return nil, false, err
			}
			opt = o
		}
		e["selected_option"] = opt
		return e, opt != nil, nil
	case "multi_static_select", "multi_external_select", "checkboxes":
		opts := []any{}
		if !given {
			if io, ok := el["initial_options"].([]any); ok {
				opts = io
			}
		}
		for _, val := range splitValues(v) {
			o, err := pickOption(el, val)
			if err != nil {
				return nil, false, err
			}
			opts = append(opts, o)
		}
		if n, ok := el["max_selected_items"].(float64); ok && len(opts) > int(n) && submit {
			return nil, false, fmt.Errorf("more than max_selected_items (%d) selected", int(n))
		}
		e["selected_options"] = opts
		return e, len(opts) > 0, nil
	case "users_select":
		return e, scalar(e, el, "selected_user", "initial_user", v, given), nil
	case "conversations_select":
		return e, scalar(e, el, "selected_conversation", "initial_conversation", v, given), nil
	case "channels_select":
		return e, scalar(e, el, "selected_channel", "initial_channel", v, given), nil
	case "multi_users_select":
		return e, list(e, el, "selected_users", "initial_users", v, given), nil
	case "multi_conversations_select":
		return e, list(e, el, "selected_conversations", "initial_conversations", v, given), nil
	case "multi_channels_select":
		return e, list(e, el, "selected_channels", "initial_channels", v, given), nil
	case "datepicker":
		if given && v != "" && !dateRE.MatchString(v) {
			return nil, false, fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
		return e, scalar(e, el, "selected_date", "initial_date", v, given), nil
	case "timepicker":
		if given && v != "" && !timeRE.MatchString(v) {
			return nil, false, fmt.Errorf("%q is not a time (HH:mm)", v)
		}
		if tz, ok := el["timezone"]; ok {
			e["timezone"] = tz
		}
		return e, scalar(e, el, "selected_time", "initial_time", v, given), nil
	case "datetimepicker":
		var val any = el["initial_date_time"]
		if given {
			val = nil
			if v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, false, fmt.Errorf("%q is not a Unix time", v)
				}
				val = n
			}
		}
		e["selected_date_time"] = val
		return e, val != nil, nil
	case "rich_text_input":
		var val any = el["initial_value"]
		if given {
			val = nil
			if v != "" {
				val = richText(v)
			}
		}
		e["rich_text_value"] = val
		return e, val != nil, nil
	case "file_input":
		return fileInputEntry(e, el, v, given, submit)
	}
	if given {
		e["value"] = v
	}
	return e, given && v != "", nil
}

// scalar sets e[key] to v (or the initial value if v was not given).
func scalar(e, el map[string]any, key, initKey, v string, given bool) bool {
	var val any = el[initKey]
	if given {
		val = nil
		if v != "" {
			val = v
		}
	}
	e[key] = val
	return val != nil
}

// list sets e[key] to the comma-separated v (or the initial values).
func list(e, el map[string]any, key, initKey, v string, given bool) bool {
	vals := []any{}
	if !given {
		if iv, ok := el[initKey].([]any); ok {
			vals = iv
		}
	}
	for _, s := range splitValues(v) {
		vals = append(vals, s)
	}
	e[key] = vals
	return len(vals) > 0
}

func splitValues(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// checkTextInput applies the Slack client's own checks on a typed value.
func checkTextInput(el map[string]any, typ, s string) error {
	switch typ {
	case "plain_text_input":
		n := utf8.RuneCountInString(s)
		if max, ok := el["max_length"].(float64); ok && n > int(max) {
			return fmt.Errorf("%d characters, above max_length %d: the Slack client would not submit", n, int(max))
		}
		if min, ok := el["min_length"].(float64); ok && n < int(min) {
			return fmt.Errorf("%d characters, below min_length %d: the Slack client would not submit", n, int(min))
		}
	case "email_text_input":
		if _, err := mail.ParseAddress(s); err != nil {
			return fmt.Errorf("%q is not an email address: the Slack client would not submit", s)
		}
	case "url_text_input":
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("%q is not a URL: the Slack client would not submit", s)
		}
	case "number_input":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number: the Slack client would not submit", s)
		}
		if el["is_decimal_allowed"] != true && strings.ContainsAny(s, ".eE") {
			return fmt.Errorf("%q is not a whole number: the Slack client would not submit", s)
		}
		for key, below := range map[string]bool{"min_value": true, "max_value": false} {
			ls, ok := el[key].(string)
			if !ok {
				continue
			}
			if lim, err := strconv.ParseFloat(ls, 64); err == nil && (below && f < lim || !below && f > lim) {
				return fmt.Errorf("%s is outside %s %s: the Slack client would not submit", s, key, ls)
			}
		}
	}
	return nil
}

// optionsOf returns an element's options, including those in option groups.
func optionsOf(el map[string]any) []map[string]any {
	var out []map[string]any
	add := func(v any) {
		arr, _ := v.([]any)
		for _, o := range arr {
			if om, ok := o.(map[string]any); ok {
				out = append(out, om)
			}
		}
	}
	add(el["options"])
	groups, _ := el["option_groups"].([]any)
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		add(gm["options"])
	}
	return out
}

// pickOption returns the option of el whose value is value. External
// selects get a made-up option, since their options come from the app.
func pickOption(el map[string]any, value string) (map[string]any, error) {
	if t, _ := el["type"].(string); strings.Contains(t, "external_select") {
		return map[string]any{
			"text":  map[string]any{"type": "plain_text", "text": value, "emoji": true},
			"value": value,
		}, nil
	}
	for _, o := range optionsOf(el) {
		if o["value"] == value {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no option with value %q", value)
}

func richText(s string) map[string]any {
	return map[string]any{
		"type": "rich_text",
		"elements": []any{map[string]any{
			"type":     "rich_text_section",
			"elements": []any{map[string]any{"type": "text", "text": s}},
		}},
	}
}

// actionTS is an action_ts like Slack's.
func actionTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// findElement finds the interactive element with actionID (and value, if
// not "") in blocks, as a user would find it on screen.
func findElement(blocks []any, actionID, value string) (map[string]any, string, error) {
	var valueMismatch, notDispatched bool
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		blockID, _ := block["block_id"].(string)
		var cands []any
		switch block["type"] {
		case "actions":
			cands, _ = block["elements"].([]any)
		case "section":
			cands = []any{block["accessory"]}
		case "input":
			if el, _ := block["element"].(map[string]any); el["action_id"] == actionID && block["dispatch_action"] != true {
				notDispatched = true
				continue
			}
			cands = []any{block["element"]}
		}
		for _, c := range cands {
			el, _ := c.(map[string]any)
			if el == nil || el["action_id"] != actionID {
				continue
			}
			if elementHasValue(el, value) {
				return el, blockID, nil
			}
			valueMismatch = true
		}
	}
	switch {
	case valueMismatch:
		return nil, "", fmt.Errorf("fakeslack: element %q has no value %q", actionID, value)
	case notDispatched:
		return nil, "", fmt.Errorf("fakeslack: element %q is in an input block without dispatch_action: Slack sends no block_actions for it", actionID)
	}
	return nil, "", fmt.Errorf("fakeslack: no interactive element with action_id %q", actionID)
}

func elementHasValue(el map[string]any, value string) bool {
	if value == "" {
		return true
	}
	switch el["type"] {
	case "button":
		return el["value"] == value
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow":
		for _, v := range splitValues(value) {
			if _, err := pickOption(el, v); err != nil {
				return false
			}
		}
	}
	return true
}

// buildAction is the actions[] entry of a block_actions payload for a
// click on el. For selects, value is the selected option value(s) or
// user/conversation/channel ID(s), comma-separated for multi-selects.
func buildAction(el map[string]any, blockID, value string) (map[string]any, error) {
	typ, _ := el["type"].(string)
	a := map[string]any{
		"type":      typ,
		"action_id": el["action_id"],
		"block_id":  blockID,
		"action_ts": actionTS(),
	}
	switch typ {
	case "button", "workflow_button":
		a["text"] = el["text"]
		for _, k := range []string{"value", "style", "url"} {
			if v, ok := el[k]; ok {
				a[k] = v
			}
		}
		return a, nil
	case "static_select", "external_select", "radio_buttons", "overflow":
		o, err := pickOption(el, value)
		if err != nil {
			return nil, err
		}
		a["selected_option"] = o
		return a, nil
	}
	// Everything else reports the new value the way state.values does.
	entry, _, err := stateEntry(el, value, true, false)
	if err != nil {
		return nil, err
	}
	for k, v := range entry {
		a[k] = v
	}
	return a, nil
}
