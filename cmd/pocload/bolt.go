package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// The Bolt for JS peer: package.json (exact version), its lock file and the
// app, embedded so `go run` works from anywhere. npm installs it at run time
// into a cache directory keyed by those files; nothing is committed but
// the three files.
//
//go:embed boltjs/package.json boltjs/package-lock.json boltjs/app.js
var boltFiles embed.FS

// boltDir is where the installed peer lives, once prepareBolt succeeded.
var boltDir string

// prepareBolt installs the peer if needed and returns its directory and
// Bolt's version. It fails with a one-line reason when node or npm is
// missing or the install fails.
func prepareBolt(ctx context.Context) (dir, version string, err error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "", fmt.Errorf("%s is not installed (Bolt for JS needs node and npm)", tool)
		}
	}
	h := sha256.New()
	names := []string{"package.json", "package-lock.json", "app.js"}
	files := map[string][]byte{}
	for _, n := range names {
		b, err := boltFiles.ReadFile("boltjs/" + n)
		if err != nil {
			return "", "", err
		}
		files[n] = b
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir = filepath.Join(cache, "pocbot", "pocload-bolt-"+hex.EncodeToString(h.Sum(nil))[:12])
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@slack", "bolt", "package.json")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", "", err
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
				return "", "", err
			}
		}
		ictx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ictx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			_ = os.RemoveAll(filepath.Join(dir, "node_modules"))
			return "", "", fmt.Errorf("npm ci in %s failed: %v: %s", dir, err, firstLine(out))
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "@slack", "bolt", "package.json"))
	if err != nil {
		return "", "", err
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(b, &pkg); err != nil || pkg.Version == "" {
		return "", "", errors.New("cannot read the installed Bolt's version")
	}
	return dir, pkg.Version, nil
}

func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}
