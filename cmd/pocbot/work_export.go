package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"pocbot/bot"
	"pocbot/store"
)

// runWorkExport is `pocbot export pitches|issues|tasks [words…]`: the file
// /pitch export (/issue, /task) would send, written to stdout. The words
// are the Slack command's: a period, filters and "xlsx".
func runWorkExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	kind := args[0]
	cfg, err := LoadConfig(func(k string) string {
		switch k {
		case "SLACK_BOT_TOKEN":
			return "xoxb-unused-by-export"
		case "SLACK_APP_TOKEN":
			return "xapp-unused-by-export"
		}
		return getenv(k)
	})
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export:\n%v\n", err)
		return 2
	}
	if err := mustExist(cfg.DB); err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	db, code := openOffline(cfg.DB, "export", map[string]string{"pitches": "/pitch export", "issues": "/issue export", "tasks": "/task export"}[kind], stderr)
	if db == nil {
		return code
	}
	defer db.Close()
	b, err := bot.New(cfg.botConfig(), db, slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	return writeWorkExport(ctx, b, args, stdout, stderr)
}

// isWorkExport reports whether args ask for a pitch, issue or task export.
func isWorkExport(args []string) bool {
	return len(args) > 0 && (args[0] == "pitches" || args[0] == "issues" || args[0] == "tasks")
}

// writeWorkExport writes the file of /pitch|/issue|/task export made by b:
// the same code offline and inside the running bot (admin socket).
func writeWorkExport(ctx context.Context, b *bot.Bot, args []string, stdout, stderr io.Writer) int {
	kind := args[0]
	name, data, rows, err := b.Export(ctx, kind, strings.Join(args[1:], " "), "")
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export: %s\n", store.ErrorMessage(err))
		if store.ErrorCode(err) == store.Internal {
			fmt.Fprintf(stderr, "pocbot export: %v\n", err)
			return 1
		}
		return 2
	}
	if _, err := stdout.Write(data); err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "pocbot export: %d %s (%s)\n", rows, kind, name)
	return 0
}
