package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// readYAMLAsJSON reads the YAML file at path and returns it as the JSON value
// a JSON Schema validator expects (map[string]any, []any, string, bool, nil,
// json.Number), by way of a JSON round trip.
//
// The conversion walks the YAML node tree rather than yaml.v3's decoded any
// values, because those differ from JSON: timestamps become time.Time, keys
// may be non-strings, .inf/.nan are floats JSON cannot hold. Here timestamps
// stay the strings written, keys are their scalar text, and non-finite
// numbers are an error.
func readYAMLAsJSON(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: file is empty", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Let yaml.v3 apply its own checks (duplicate keys, alias bombs,
	// recursive anchors) before walking the tree by hand.
	var check any
	if err := doc.Decode(&check); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v, err := nodeValue(&doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

func nodeValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(n.Content[0])
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		if err := mergeMapping(out, n); err != nil {
			return nil, err
		}
		return out, nil
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %v", n.Line, n.Kind)
}

// mergeMapping adds the pairs of mapping n to out. Merge keys (<<) are
// applied first, so the mapping's own keys win, as in yaml.v3.
func mergeMapping(out map[string]any, n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!merge" {
			continue
		}
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, s := range srcs {
			if s.Kind == yaml.AliasNode {
				s = s.Alias
			}
			if s.Kind != yaml.MappingNode {
				return fmt.Errorf("line %d: merge key needs a mapping", s.Line)
			}
			if err := mergeMapping(out, s); err != nil {
				return err
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: mapping key must be a scalar to convert to JSON", k.Line)
		}
		if k.ShortTag() == "!!merge" {
			continue
		}
		val, err := nodeValue(v)
		if err != nil {
			return err
		}
		out[k.Value] = val
	}
	return nil
}

func scalarValue(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var v any // int, int64 or uint64
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		if _, ok := v.(float64); ok { // yaml.v3 falls back to float beyond 64 bits
			return nil, fmt.Errorf("line %d: integer %s is out of range", n.Line, n.Value)
		}
		return v, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: %s has no JSON equivalent", n.Line, n.Value)
		}
		return f, nil
	}
	// !!str, and types JSON lacks (!!timestamp, !!binary, custom tags):
	// keep the text as written.
	return n.Value, nil
}
