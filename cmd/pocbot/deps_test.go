package main

import (
	"fmt"
	"go/build"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// depsPolicy is the import policy, in the style of Go's own
// go/build/deps_test.go: for each pocbot package, the only direct imports
// its non-test files may have. An entry is a package path, a path ending in
// "/..." (that package and those under it), "std" (the standard library)
// or "third-party" (any module that is not pocbot). Every package of the
// module needs a row; nothing may import pocbot/cmd/....
//
// A row whose package does not exist yet (bot/progress, until it lands) is
// simply not used.
var depsPolicy = map[string][]string{
	// The domain and its storage know only bbolt: no Slack, no cron.
	"pocbot/store": {"std", "go.etcd.io/bbolt/..."},
	// Demo data is made through the store's own methods.
	"pocbot/store/demo": {"std", "pocbot/store"},
	// Spreadsheets in (CSV, XLSX) and out (XLSX), as store rows and tables.
	"pocbot/store/sheet": {"std", "pocbot/store", "github.com/xuri/excelize/v2"},
	// The progress model is pure: store types and the standard library.
	"pocbot/bot/progress": {"std", "pocbot/store"},
	// The weekly report's model and charts: figures in, text and PNGs out.
	"pocbot/bot/report": {"std", "pocbot/store", "pocbot/bot/progress", "gonum.org/v1/plot/..."},
	// The fake Slack knows no pocbot code, so it fakes Slack, not pocbot.
	"pocbot/bot/fakeslack": {"std", "third-party"},
	"pocbot/bot/manifest":  {"std", "third-party"},
	// The Slack layer; it never imports its own fake.
	"pocbot/bot": {"std", "third-party", "pocbot/store", "pocbot/store/sheet", "pocbot/bot/progress", "pocbot/bot/report", "pocbot/bot/manifest"},
	// The playground page drives the fake Slack only; it never sees the bot.
	"pocbot/bot/playground": {"std", "pocbot/bot/fakeslack"},
	// The binaries tie things together; `pocbot playground` wires the fake
	// Slack, its page and the demo to the same Main as `pocbot run`.
	"pocbot/cmd/pocbot": {"std", "third-party", "pocbot/bot", "pocbot/store", "pocbot/store/sheet",
		"pocbot/bot/fakeslack", "pocbot/bot/playground", "pocbot/store/demo"},
	"pocbot/cmd/pocload": {"std", "third-party", "pocbot/bot", "pocbot/bot/fakeslack", "pocbot/store"},
}

// pkgImports is what one package imports, from its non-test files and from
// its test files.
type pkgImports struct {
	imports, testImports []string
}

func TestDependencyPolicy(t *testing.T) {
	pkgs, err := modulePackages("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pocbot/store", "pocbot/bot", "pocbot/bot/fakeslack", "pocbot/cmd/pocbot"} {
		if _, ok := pkgs[want]; !ok {
			t.Fatalf("package %s not found: the walk of the module is broken (found %v)", want, slices.Sorted(maps.Keys(pkgs)))
		}
	}
	for _, problem := range checkDeps(pkgs, depsPolicy) {
		t.Error(problem)
	}
}

// TestDependencyPolicy_Fails checks the checker: each kind of breach is
// reported with the offending import.
func TestDependencyPolicy_Fails(t *testing.T) {
	pkgs := map[string]pkgImports{
		"pocbot/store":         {imports: []string{"fmt", "go.etcd.io/bbolt", "github.com/slack-go/slack"}},
		"pocbot/bot/progress":  {imports: []string{"time", "pocbot/store", "github.com/robfig/cron/v3"}},
		"pocbot/bot/fakeslack": {imports: []string{"net/http", "pocbot/store"}},
		"pocbot/bot":           {imports: []string{"pocbot/bot/fakeslack"}, testImports: []string{"pocbot/cmd/pocbot"}},
		"pocbot/newpkg":        {imports: []string{"fmt"}},
	}
	got := strings.Join(checkDeps(pkgs, depsPolicy), "\n")
	for _, want := range []string{
		"pocbot/store imports github.com/slack-go/slack",
		"pocbot/bot/progress imports github.com/robfig/cron/v3",
		"pocbot/bot/fakeslack imports pocbot/store",
		"pocbot/bot imports pocbot/bot/fakeslack",
		"pocbot/bot (tests) imports pocbot/cmd/pocbot",
		"pocbot/newpkg has no row in depsPolicy",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("checkDeps did not report %q; it said:\n%s", want, got)
		}
	}
	for _, ok := range []string{"store imports fmt:", "store imports go.etcd.io/bbolt:", "fakeslack imports net/http:", "progress imports pocbot/store:"} {
		if strings.Contains(got, ok) {
			t.Errorf("checkDeps reported an allowed import (%q):\n%s", ok, got)
		}
	}
}

// checkDeps returns one line per breach of policy.
func checkDeps(pkgs map[string]pkgImports, policy map[string][]string) []string {
	var out []string
	for _, pkg := range slices.Sorted(maps.Keys(pkgs)) {
		imp := pkgs[pkg]
		for _, set := range []struct {
			what string
			list []string
		}{{pkg, imp.imports}, {pkg + " (tests)", imp.testImports}} {
			for _, path := range set.list {
				if path == "pocbot/cmd" || strings.HasPrefix(path, "pocbot/cmd/") {
					out = append(out, fmt.Sprintf("%s imports %s: nothing may import pocbot/cmd/...", set.what, path))
				}
			}
		}
		allow, ok := policy[pkg]
		if !ok {
			out = append(out, fmt.Sprintf("%s has no row in depsPolicy (cmd/pocbot/deps_test.go): add one listing what it may import", pkg))
			continue
		}
		for _, path := range imp.imports {
			if !allowed(path, allow) {
				out = append(out, fmt.Sprintf("%s imports %s: not allowed (%s may import %s)", pkg, path, pkg, strings.Join(allow, ", ")))
			}
		}
	}
	return out
}

func allowed(path string, allow []string) bool {
	std := !strings.Contains(strings.Split(path, "/")[0], ".") && path != "pocbot" && !strings.HasPrefix(path, "pocbot/")
	own := path == "pocbot" || strings.HasPrefix(path, "pocbot/")
	for _, a := range allow {
		switch {
		case a == "std" && std,
			a == "third-party" && !std && !own,
			a == path,
			strings.HasSuffix(a, "/...") && (path == strings.TrimSuffix(a, "/...") || strings.HasPrefix(path, strings.TrimSuffix(a, "..."))):
			return true
		}
	}
	return false
}

// modulePackages reads the imports of every package under root (the
// module pocbot) with go/build, as the build would see them on this
// platform.
func modulePackages(root string) (map[string]pkgImports, error) {
	out := map[string]pkgImports{}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); dir != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(dir, 0)
		if _, ok := err.(*build.NoGoError); ok {
			return nil
		} else if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		path := "pocbot"
		if rel != "." {
			path += "/" + filepath.ToSlash(rel)
		}
		out[path] = pkgImports{imports: p.Imports, testImports: append(append([]string(nil), p.TestImports...), p.XTestImports...)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no packages under %s", root)
	}
	return out, nil
}
