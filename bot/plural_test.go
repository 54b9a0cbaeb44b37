package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lazyPlural is "pitch(es)", "issue(s)", "member(s)": what a message says
// when it did not count properly. plural() says "1 pitch" / "2 pitches".
var lazyPlural = regexp.MustCompile(`[A-Za-z]\((s|es|ies)\)`)

// TestNoLazyPluralsInTemplates sweeps every string literal of the bot's
// non-test sources (every reply template, block text, DM and form label,
// including sub-packages), the store's error messages and the program's
// own output for "(s)"-style plurals. "http(s)" is not a count.
func TestNoLazyPluralsInTemplates(t *testing.T) {
	var files []string
	for _, root := range []string{".", "../store", "../cmd/pocbot"} {
		files = append(files, goSources(t, root)...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d source files; is the walk wrong?", len(files))
	}
	fset := token.NewFileSet()
	literals := 0
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			literals++
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if m := lazyPlural.FindString(strings.ReplaceAll(s, "http(s)", "")); m != "" {
				t.Errorf("%s: %q has a lazy plural %q; use plural(n, one, many)", fset.Position(lit.Pos()), s, m)
			}
			return true
		})
	}
	if literals < 500 {
		t.Fatalf("only %d string literals seen; the sweep is not reading the sources", literals)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 pitches"}, {1, "1 pitch"}, {2, "2 pitches"}} {
		if got := plural(c.n, "pitch", "pitches"); got != c.want {
			t.Errorf("plural(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// goSources lists the non-test Go files under root, skipping test data and
// the fake Slack (which quotes Slack's own wording).
func goSources(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "fakeslack") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
