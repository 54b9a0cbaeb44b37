package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Files of Slack's manifest schema (slackapi/manifest-schema) that
// ValidateSchema expects in its schemaDir.
const (
	schemaFile   = "manifest.schema.json" // dispatches on _metadata.major_version
	schemaFileV1 = "manifest.schema.1.0.0.json"
	schemaFileV2 = "manifest.schema.2.0.0.json"
)

// Violation is one way a manifest breaks the schema.
type Violation struct {
	// Location is the JSON Pointer of the offending value in the manifest,
	// e.g. "/features/slash_commands/0/description"; "/" is the whole file.
	Location string
	// Message says what is wrong, in the validator's English wording, e.g.
	// "maxLength: got 2,001, want 2,000" or
	// "additional properties 'foo' not allowed".
	Message string
}

func (v Violation) String() string { return v.Location + ": " + v.Message }

// SchemaError is returned by ValidateSchema when the manifest does not match
// Slack's schema. It lists every violation, sorted by location.
type SchemaError struct {
	Manifest   string // path of the manifest file
	Schema     string // schema file the violations come from
	Violations []Violation
}

func (e *SchemaError) Error() string {
	var sb strings.Builder
	noun := "violations"
	if len(e.Violations) == 1 {
		noun = "violation"
	}
	fmt.Fprintf(&sb, "%s does not match Slack's app manifest schema (%s), %d %s:", e.Manifest, e.Schema, len(e.Violations), noun)
	for _, v := range e.Violations {
		sb.WriteString("\n  ")
		sb.WriteString(v.String())
	}
	return sb.String()
}

// ValidateSchema checks the YAML manifest at manifestPath against Slack's
// published JSON Schema, read from schemaDir: manifest.schema.json, which
// dispatches on _metadata.major_version to manifest.schema.1.0.0.json or
// manifest.schema.2.0.0.json in the same folder (a manifest without a major
// version is checked against 1.0.0). Nothing is fetched from the network: the
// schema's raw.githubusercontent.com/slackapi/manifest-schema references are
// mapped to the files in schemaDir.
//
// It returns a *SchemaError listing every violation with its location when
// the manifest does not match, and a plain error when a file cannot be read
// or parsed or the schema does not compile.
func ValidateSchema(manifestPath, schemaDir string) error {
	inst, err := readYAMLAsJSON(manifestPath)
	if err != nil {
		return fmt.Errorf("validate manifest: %w", err)
	}

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7) // the Slack schemas are draft-07
	c.UseRegexpEngine(compileECMAScript)
	c.UseLoader(localLoader{dir: schemaDir})
	sch, err := c.Compile(filepath.Join(schemaDir, schemaFile))
	if err != nil {
		return fmt.Errorf("compile manifest schema in %s: %w", schemaDir, err)
	}

	verr := sch.Validate(inst)
	if verr == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(verr, &ve) {
		return fmt.Errorf("validate manifest %s: %w", manifestPath, verr)
	}

	// The dispatcher's oneOf reports the failures of every version branch,
	// most of them only "this is not version N". Report the violations of
	// the version the manifest declares instead.
	versionFile, unsupported := versionSchema(inst)
	if unsupported != nil {
		return &SchemaError{Manifest: manifestPath, Schema: schemaFile, Violations: []Violation{*unsupported}}
	}
	vsch, err := c.Compile(filepath.Join(schemaDir, versionFile))
	if err != nil {
		return fmt.Errorf("compile manifest schema %s: %w", versionFile, err)
	}
	var vve *jsonschema.ValidationError
	if errors.As(vsch.Validate(inst), &vve) {
		return &SchemaError{Manifest: manifestPath, Schema: versionFile, Violations: violations(vve)}
	}
	// The version schema accepts it, yet the dispatcher does not: report
	// the dispatcher's own findings.
	return &SchemaError{Manifest: manifestPath, Schema: schemaFile, Violations: violations(ve)}
}

// versionSchema picks the schema file manifest.schema.json would dispatch inst
// to. Anything but an explicit major_version 2 goes to 1.0.0, which also
// reports a malformed _metadata. A number other than 1 or 2 is a violation.
func versionSchema(inst any) (file string, unsupported *Violation) {
	obj, _ := inst.(map[string]any)
	meta, _ := obj["_metadata"].(map[string]any)
	n, ok := meta["major_version"].(json.Number)
	if !ok {
		return schemaFileV1, nil
	}
	switch f, err := n.Float64(); {
	case err == nil && f == 1:
		return schemaFileV1, nil
	case err == nil && f == 2:
		return schemaFileV2, nil
	}
	return "", &Violation{
		Location: "/_metadata/major_version",
		Message:  fmt.Sprintf("unsupported major version %s, want 1 or 2", n),
	}
}

var printer = message.NewPrinter(language.English)

// violations flattens e into its leaf errors, the ones that name a failed
// keyword, deduplicated and sorted by location.
func violations(e *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Violation{
				Location: pointer(e.InstanceLocation),
				Message:  e.ErrorKind.LocalizedString(printer),
			})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(e)
	slices.SortStableFunc(out, func(a, b Violation) int {
		return strings.Compare(a.Location, b.Location)
	})
	return slices.Compact(out)
}

// pointer renders an instance location as a JSON Pointer (RFC 6901), with
// "/" for the document itself so the location is never blank.
func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return "/"
	}
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		sb.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return sb.String()
}

// localLoader serves the schema's references from dir. Slack's dispatcher
// refers to its version files by raw GitHub URL (pinned to a tag, e.g.
// https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json);
// any such URL maps to the file of the same name in dir, whatever the tag.
// Other http(s) URLs are refused: tests run offline.
type localLoader struct{ dir string }

// schemaName matches the file names localLoader will map.
var schemaName = regexp.MustCompile(`^manifest\.schema(\.[0-9]+\.[0-9]+\.[0-9]+)?\.json$`)

func (l localLoader) Load(rawURL string) (any, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "file":
		return jsonschema.FileLoader{}.Load(rawURL)
	case "http", "https":
		name := path.Base(u.Path)
		if u.Host == "raw.githubusercontent.com" &&
			strings.HasPrefix(u.Path, "/slackapi/manifest-schema/") &&
			schemaName.MatchString(name) {
			return jsonschema.FileLoader{}.Load((&url.URL{Scheme: "file", Path: filepath.ToSlash(absPath(filepath.Join(l.dir, name)))}).String())
		}
		return nil, fmt.Errorf("schema reference %s: not fetched (offline); only slackapi/manifest-schema files are mapped to %s", rawURL, l.dir)
	}
	return nil, fmt.Errorf("schema reference %s: unsupported URL scheme", rawURL)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// ecmaRegexp adapts regexp2 to jsonschema.Regexp. JSON Schema patterns are
// ECMA-262 regular expressions, and Slack's use lookahead ((?!…)), which
// Go's regexp cannot compile.
type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok // err is a match timeout: treat as no match
}

func (r ecmaRegexp) String() string { return r.re.String() }

func compileECMAScript(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	// regexp2 backtracks; bound each match so a hostile manifest value
	// cannot hang the test.
	re.MatchTimeout = time.Second
	return ecmaRegexp{re}, nil
}
