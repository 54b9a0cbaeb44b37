package fakeslack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"
)

// Block Kit limits, from Slack's documentation (see shared/SLACK.md §3).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxMessageText   = 40000
)

// Element types allowed in each place a block can hold an element.
var (
	selectTypes = []string{
		"static_select", "external_select", "users_select", "conversations_select", "channels_select",
		"multi_static_select", "multi_external_select", "multi_users_select",
		"multi_conversations_select", "multi_channels_select",
	}
	accessoryTypes = append([]string{
		"button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker",
		"workflow_button",
	}, selectTypes...)
	actionsTypes = append([]string{
		"button", "checkboxes", "datepicker", "datetimepicker", "overflow", "radio_buttons",
		"timepicker", "workflow_button", "rich_text_input",
	}, selectTypes...)
	inputTypes = append([]string{
		"checkboxes", "datepicker", "datetimepicker", "email_text_input", "file_input",
		"number_input", "plain_text_input", "radio_buttons", "rich_text_input", "timepicker",
		"url_text_input",
	}, selectTypes...)
)

var (
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timeRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
)

// checker collects Slack-style validation messages, each ending in the
// JSON pointer of the offending value.
type checker struct {
	errs     []string
	blockIDs map[string]bool
}

func newChecker() *checker { return &checker{blockIDs: map[string]bool{}} }

func (c *checker) add(ptr, format string, args ...any) {
	c.errs = append(c.errs, pointerf(ptr, format, args...))
}

// parseBlocks decodes a blocks argument, which must be a JSON array.
func parseBlocks(raw json.RawMessage) ([]any, error) {
	var blocks []any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, fmt.Errorf("blocks must be a JSON array: %w", err)
	}
	return blocks, nil
}

// checkMessageBlocks validates the blocks of a message.
func checkMessageBlocks(blocks []any) []string {
	c := newChecker()
	c.blockList(blocks, "/blocks", maxMessageBlocks)
	return c.errs
}

// checkView validates a view object of type want ("modal" or "home").
func checkView(obj map[string]any, want string) []string {
	c := newChecker()
	const ptr = "/view"
	if typ, _ := obj["type"].(string); typ != want {
		c.add(ptr+"/type", "must be %q here", want)
	}
	blocks, ok := obj["blocks"].([]any)
	if !ok {
		c.add(ptr, "missing required field: blocks")
	}
	if want == "modal" {
		c.textField(obj, "title", ptr, 24, true, true)
		c.textField(obj, "close", ptr, 24, true, false)
		c.textField(obj, "submit", ptr, 24, true, false)
		hasInput := slices.ContainsFunc(blocks, func(b any) bool {
			m, _ := b.(map[string]any)
			return m["type"] == "input"
		})
		if hasInput && obj["submit"] == nil {
			c.add(ptr, "missing required field: submit (required when the view has input blocks)")
		}
	}
	c.strField(obj, "callback_id", ptr, 255, false)
	c.strField(obj, "private_metadata", ptr, 3000, false)
	c.strField(obj, "external_id", ptr, 255, false)
	c.blockList(blocks, ptr+"/blocks", maxViewBlocks)
	return c.errs
}

func (c *checker) blockList(blocks []any, ptr string, max int) {
	if len(blocks) > max {
		c.add(ptr, "no more than %d items allowed", max)
	}
	for i, b := range blocks {
		c.block(b, fmt.Sprintf("%s/%d", ptr, i))
	}
}

func (c *checker) block(b any, ptr string) {
	m, ok := b.(map[string]any)
	if !ok {
		c.add(ptr, "must be an object")
		return
	}
	if id, ok := c.strField(m, "block_id", ptr, 255, false); ok {
		if id == "" {
			c.add(ptr+"/block_id", "must be more than 0 characters")
		} else if c.blockIDs[id] {
			c.add(ptr+"/block_id", "duplicate block_id %q: block_id must be unique in a message or view", id)
		}
		c.blockIDs[id] = true
	}
	switch typ, _ := m["type"].(string); typ {
	case "section":
		_, hasText := m["text"]
		fields, hasFields := m["fields"]
		if !hasText && !hasFields {
			c.add(ptr, "missing required field: text (or fields)")
		}
		c.textField(m, "text", ptr, 3000, false, false)
		if hasFields {
			arr, ok := fields.([]any)
			if !ok {
				c.add(ptr+"/fields", "must be an array")
			}
			if len(arr) > 10 {
				c.add(ptr+"/fields", "no more than 10 items allowed")
			}
			for i, f := range arr {
				c.textObject(f, fmt.Sprintf("%s/fields/%d", ptr, i), 2000, false)
			}
		}
		if acc, ok := m["accessory"]; ok {
			c.element(acc, ptr+"/accessory", accessoryTypes)
		}
	case "header":
		c.textField(m, "text", ptr, 150, true, true)
	case "divider":
	case "context":
		elems := c.array(m, "elements", ptr, 1, 10)
		for i, e := range elems {
			p := fmt.Sprintf("%s/elements/%d", ptr, i)
			if em, _ := e.(map[string]any); em["type"] == "image" {
				c.element(e, p, []string{"image"})
			} else {
				c.textObject(e, p, 3000, false)
			}
		}
	case "actions":
		elems := c.array(m, "elements", ptr, 1, 25)
		seen := map[string]bool{}
		for i, e := range elems {
			p := fmt.Sprintf("%s/elements/%d", ptr, i)
			if id := c.element(e, p, actionsTypes); id != "" {
				if seen[id] {
					c.add(p+"/action_id", "duplicate action_id %q: action_id must be unique in an actions block", id)
				}
				seen[id] = true
			}
		}
	case "input":
		c.textField(m, "label", ptr, 2000, true, true)
		c.textField(m, "hint", ptr, 2000, true, false)
		if el, ok := m["element"]; ok {
			c.element(el, ptr+"/element", inputTypes)
		} else {
			c.add(ptr, "missing required field: element")
		}
	case "image":
		c.imageFields(m, ptr)
		c.textField(m, "title", ptr, 2000, true, false)
	case "markdown":
		c.strField(m, "text", ptr, 12000, true)
	case "rich_text":
		c.array(m, "elements", ptr, 0, -1)
	case "video":
		c.textField(m, "title", ptr, 200, true, true)
		c.strField(m, "alt_text", ptr, 2000, true)
		c.strField(m, "video_url", ptr, 3000, true)
		c.strField(m, "thumbnail_url", ptr, 3000, true)
	case "file", "call", "table", "rich_text_input":
	case "":
		c.add(ptr, "missing required field: type")
	default:
		c.add(ptr+"/type", "unsupported block type: %s", typ)
	}
}

// element validates an interactive element and returns its action_id.
func (c *checker) element(e any, ptr string, allowed []string) string {
	m, ok := e.(map[string]any)
	if !ok {
		c.add(ptr, "must be an object")
		return ""
	}
	typ, _ := m["type"].(string)
	if !slices.Contains(allowed, typ) {
		c.add(ptr+"/type", "unsupported element type here: %q", typ)
		return ""
	}
	actionID, ok := c.strField(m, "action_id", ptr, 255, false)
	if ok && actionID == "" {
		c.add(ptr+"/action_id", "must be more than 0 characters")
	}
	if typ != "image" && typ != "button" && typ != "workflow_button" && typ != "overflow" &&
		typ != "checkboxes" && typ != "radio_buttons" && typ != "file_input" {
		c.textField(m, "placeholder", ptr, 150, true, false)
	}
	switch typ {
	case "button":
		c.textField(m, "text", ptr, 75, true, true)
		c.strField(m, "value", ptr, 2000, false)
		c.strField(m, "url", ptr, 3000, false)
		if st, ok := m["style"]; ok && st != "primary" && st != "danger" {
			c.add(ptr+"/style", "must be a valid enum value")
		}
	case "workflow_button":
		c.textField(m, "text", ptr, 75, true, true)
	case "static_select", "multi_static_select":
		_, hasOpts := m["options"]
		_, hasGroups := m["option_groups"]
		if hasOpts == hasGroups {
			c.add(ptr, "must provide exactly one of options or option_groups")
		}
		var values []string
		if hasOpts {
			values = c.options(m, ptr, 100, true)
		}
		for i, g := range c.array(m, "option_groups", ptr, 0, 100) {
			gm, _ := g.(map[string]any)
			gp := fmt.Sprintf("%s/option_groups/%d", ptr, i)
			c.textField(gm, "label", gp, 75, true, true)
			values = append(values, c.options(gm, gp, 100, true)...)
		}
		c.initialOptions(m, ptr, values)
	case "overflow":
		c.options(m, ptr, 5, true)
	case "checkboxes", "radio_buttons":
		c.initialOptions(m, ptr, c.options(m, ptr, 10, false))
	case "datepicker":
		if d, ok := c.strField(m, "initial_date", ptr, 10, false); ok && !dateRE.MatchString(d) {
			c.add(ptr+"/initial_date", "must be a date in the format YYYY-MM-DD")
		}
	case "timepicker":
		if t, ok := c.strField(m, "initial_time", ptr, 5, false); ok && !timeRE.MatchString(t) {
			c.add(ptr+"/initial_time", "must be a time in the format HH:mm")
		}
	case "plain_text_input":
		maxLen := 3000
		if v, ok := m["max_length"]; ok {
			n, isNum := v.(float64)
			if !isNum || n < 1 || n > 3000 {
				c.add(ptr+"/max_length", "must be between 1 and 3000")
			} else {
				maxLen = int(n)
			}
		}
		if v, ok := m["min_length"]; ok {
			n, isNum := v.(float64)
			if !isNum || n < 0 || n > 3000 || int(n) > maxLen {
				c.add(ptr+"/min_length", "must be between 0 and 3000 and not above max_length")
			}
		}
		c.strField(m, "initial_value", ptr, maxLen, false)
	case "number_input":
		if _, ok := m["is_decimal_allowed"].(bool); !ok {
			c.add(ptr, "missing required field: is_decimal_allowed")
		}
	case "image":
		c.imageFields(m, ptr)
	}
	if _, ok := m["confirm"]; ok {
		c.confirm(m["confirm"], ptr+"/confirm")
	}
	return actionID
}

func (c *checker) imageFields(m map[string]any, ptr string) {
	if _, ok := m["slack_file"]; !ok {
		c.strField(m, "image_url", ptr, 3000, true)
	}
	c.strField(m, "alt_text", ptr, 2000, true)
}

// options validates an element's options and returns their values.
func (c *checker) options(m map[string]any, ptr string, max int, plainOnly bool) []string {
	var values []string
	for i, o := range c.array(m, "options", ptr, 1, max) {
		p := fmt.Sprintf("%s/options/%d", ptr, i)
		om, ok := o.(map[string]any)
		if !ok {
			c.add(p, "must be an object")
			continue
		}
		c.textField(om, "text", p, 75, plainOnly, true)
		c.textField(om, "description", p, 75, true, false)
		c.strField(om, "url", p, 3000, false)
		if v, ok := c.strField(om, "value", p, 150, true); ok {
			values = append(values, v)
		}
	}
	return values
}

// initialOptions checks that initial_option(s) are among values, which
// Slack insists on.
func (c *checker) initialOptions(m map[string]any, ptr string, values []string) {
	check := func(o any, p string) {
		om, _ := o.(map[string]any)
		if v, _ := om["value"].(string); !slices.Contains(values, v) {
			c.add(p, "must match one of the provided options")
		}
	}
	if o, ok := m["initial_option"]; ok {
		check(o, ptr+"/initial_option")
	}
	if os, ok := m["initial_options"].([]any); ok {
		for i, o := range os {
			check(o, fmt.Sprintf("%s/initial_options/%d", ptr, i))
		}
	}
}

func (c *checker) confirm(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(ptr, "must be an object")
		return
	}
	c.textField(m, "title", ptr, 100, true, true)
	c.textField(m, "text", ptr, 300, false, true)
	c.textField(m, "confirm", ptr, 30, true, true)
	c.textField(m, "deny", ptr, 30, true, true)
}

// array returns m[key] as an array, checking its length (max < 0: no limit).
func (c *checker) array(m map[string]any, key, ptr string, min, max int) []any {
	v, ok := m[key]
	if !ok {
		if min > 0 {
			c.add(ptr, "missing required field: %s", key)
		}
		return nil
	}
	arr, ok := v.([]any)
	p := ptr + "/" + key
	switch {
	case !ok:
		c.add(p, "must be an array")
	case len(arr) < min:
		c.add(p, "must have at least %d items", min)
	case max >= 0 && len(arr) > max:
		c.add(p, "no more than %d items allowed", max)
	}
	return arr
}

// textField validates the text object m[key].
func (c *checker) textField(m map[string]any, key, ptr string, max int, plainOnly, required bool) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.add(ptr, "missing required field: %s", key)
		}
		return
	}
	c.textObject(v, ptr+"/"+key, max, plainOnly)
}

// textObject validates a plain_text or mrkdwn text object.
func (c *checker) textObject(v any, ptr string, max int, plainOnly bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(ptr, "must be a text object")
		return
	}
	switch m["type"] {
	case "plain_text":
	case "mrkdwn":
		if plainOnly {
			c.add(ptr+"/type", "must be a valid enum value (plain_text)")
		}
	default:
		c.add(ptr+"/type", "must be a valid enum value (plain_text or mrkdwn)")
	}
	c.strField(m, "text", ptr, max, true)
}

// strField validates the string m[key] and returns it. Required strings
// must not be empty.
func (c *checker) strField(m map[string]any, key, ptr string, max int, required bool) (string, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.add(ptr, "missing required field: %s", key)
		}
		return "", false
	}
	p := ptr + "/" + key
	s, ok := v.(string)
	if !ok {
		c.add(p, "must be a string")
		return "", false
	}
	n := utf8.RuneCountInString(s)
	if required && n == 0 {
		c.add(p, "must be more than 0 characters")
	}
	if n > max {
		c.add(p, "must be less than %d characters", max+1)
	}
	return s, true
}

// normalizeBlocks gives every block and interactive element the block_id
// and action_id Slack makes up when the app sets none, so payloads look
// like Slack's. It changes blocks in place.
func normalizeBlocks(blocks []any) {
	for _, b := range blocks {
		m, ok := b.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := m["block_id"]; !ok {
			m["block_id"] = randAlnum(5)
		}
		if el, ok := m["accessory"].(map[string]any); ok {
			normalizeElement(el)
		}
		if el, ok := m["element"].(map[string]any); ok {
			normalizeElement(el)
		}
		if m["type"] == "actions" {
			elems, _ := m["elements"].([]any)
			for _, e := range elems {
				if el, ok := e.(map[string]any); ok {
					normalizeElement(el)
				}
			}
		}
	}
}

func normalizeElement(el map[string]any) {
	if el["type"] == "image" {
		return
	}
	if _, ok := el["action_id"]; !ok {
		el["action_id"] = randAlnum(5)
	}
}
