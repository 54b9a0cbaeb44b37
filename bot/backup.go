package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// backupJob writes a consistent hot copy of the database into BackupDir
// and keeps the newest BackupKeep copies. The copy is written to a temporary
// name, synced and renamed, so a half-written file never looks complete.
func (b *Bot) backupJob(ctx context.Context, due time.Time) error {
	dir := b.cfg.BackupDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup dir: %w", err)
	}
	name := filepath.Join(dir, "pocbot-"+due.In(b.cfg.Location).Format("20060102-150405")+".db")
	f, err := os.OpenFile(name+".tmp", os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	n, err := b.db.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name+".tmp", name)
	}
	if err != nil {
		os.Remove(name + ".tmp")
		return fmt.Errorf("backup: %w", err)
	}
	b.log.Info("backup written", "file", name, "bytes", n)
	return pruneBackups(dir, b.cfg.BackupKeep)
}

func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "pocbot-") && strings.HasSuffix(e.Name(), ".db") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // timestamped names sort oldest first
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}
