package main

import (
	"context"
	"io"
	"log/slog"
)

// newLogger is the program's JSON logger: one object per line, the event
// name under "msg" and no key twice. An attribute that would collide with
// a built-in key (time, level, msg, source) at the top level is renamed
// with an "attr_" prefix, so a careless call site can never produce a line
// that jq, Loki or CloudWatch read as something else.
func newLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(uniqueKeys{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})})
}

// uniqueKeys renames top-level attributes that clash with slog's own keys.
type uniqueKeys struct{ slog.Handler }

func reservedKey(k string) bool {
	switch k {
	case slog.TimeKey, slog.LevelKey, slog.MessageKey, slog.SourceKey:
		return true
	}
	return false
}

func renameAttrs(as []slog.Attr) []slog.Attr {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		if reservedKey(a.Key) {
			a.Key = "attr_" + a.Key
		}
		out[i] = a
	}
	return out
}

func (h uniqueKeys) Handle(ctx context.Context, r slog.Record) error {
	clash := false
	r.Attrs(func(a slog.Attr) bool {
		clash = reservedKey(a.Key)
		return !clash
	})
	if !clash {
		return h.Handler.Handle(ctx, r)
	}
	nr := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	var as []slog.Attr
	r.Attrs(func(a slog.Attr) bool { as = append(as, a); return true })
	nr.AddAttrs(renameAttrs(as)...)
	return h.Handler.Handle(ctx, nr)
}

func (h uniqueKeys) WithAttrs(as []slog.Attr) slog.Handler {
	return uniqueKeys{h.Handler.WithAttrs(renameAttrs(as))}
}

// WithGroup nests what follows under the group's key, where the built-in
// keys cannot clash, so the rest needs no renaming.
func (h uniqueKeys) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.Handler.WithGroup(name)
}
