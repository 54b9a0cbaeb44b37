package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// checkJSONLine parses one log line as a JSON object and fails on any key
// that appears twice in the same object (encoding/json keeps the last one
// silently; so do jq, Loki and CloudWatch).
func checkJSONLine(line string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if err := uniqueObject(dec); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the object")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return nil, err
	}
	return m, nil
}

func uniqueObject(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not a JSON object: starts with %v", t)
	}
	return uniqueRest(dec, '{')
}

// uniqueRest reads the rest of an object or array whose opening delimiter
// was just read.
func uniqueRest(dec *json.Decoder, open json.Delim) error {
	seen := map[string]bool{}
	for dec.More() {
		if open == '{' {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			k := t.(string)
			if seen[k] {
				return fmt.Errorf("duplicate key %q", k)
			}
			seen[k] = true
		}
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if err := uniqueRest(dec, d); err != nil {
				return err
			}
		}
	}
	_, err := dec.Token() // the closing delimiter
	return err
}

func TestCheckJSONLineRejectsDuplicates(t *testing.T) {
	for _, bad := range []string{`{"msg":"a","msg":"b"}`, `{"a":{"x":1,"x":2}}`, `{"a":[{"k":1,"k":1}]}`, `[1]`, `{"a":1} x`} {
		if _, err := checkJSONLine(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := checkJSONLine(`{"msg":"a","a":{"msg":"b"},"l":[{"k":1},{"k":2}]}`); err != nil {
		t.Error(err)
	}
}

// newLogger renames an attribute that collides with a built-in key, at the
// record and in With, so no line ever has two "msg" keys.
func TestLoggerRenamesReservedKeys(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, slog.LevelDebug)
	log.Info("user error", "msg", "text", "level", "x")
	log.With("time", 1).Warn("event", "ok", true)
	log.WithGroup("g").Info("grouped", "msg", "fine")
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		m, err := checkJSONLine(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if _, ok := m["msg"].(string); !ok {
			t.Errorf("%s: no msg", line)
		}
	}
	if !strings.Contains(buf.String(), `"attr_msg":"text"`) || !strings.Contains(buf.String(), `"attr_time":1`) {
		t.Errorf("renamed keys missing:\n%s", buf.String())
	}
}

// Issue #13, "Logs": a user error line carries the event as msg and the
// text the user read under "reply"; every line of a session is one JSON
// object without duplicate keys.
func TestE2E_LogLinesHaveOneMessageKey(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/pitch", "@andi.jkt agreed"), "has no pitch yet")
	h.command("U1", "/pitch", "@andi.jkt Serum")
	h.command("U1", "/task", "nonsense words")
	h.command("U1", "/issue", "ISS-999")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	userErrors := 0
	for _, line := range strings.Split(strings.TrimSpace(h.Logs.String()), "\n") {
		m, err := checkJSONLine(line)
		if err != nil {
			t.Fatalf("log line %s: %v", line, err)
		}
		if m["msg"] == "user error" {
			userErrors++
			if r, _ := m["reply"].(string); r == "" {
				t.Errorf("user error without its reply text: %s", line)
			}
		}
	}
	if userErrors < 2 {
		t.Errorf("%d user error lines, want at least 2:\n%s", userErrors, h.Logs.String())
	}
	if !strings.Contains(h.Logs.String(), `"reply":"@andi.jkt has no pitch yet`) {
		t.Errorf("the user error text is not under reply:\n%s", h.Logs.String())
	}
}
