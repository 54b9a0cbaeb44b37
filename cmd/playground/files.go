package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// lastAttached is the ID of the last attached file, which a submitted
// value of "$file" stands for.
var lastAttached string

func attachedOr(v string) string {
	if v == "$file" {
		return lastAttached
	}
	return v
}

// fileCmd handles the playground's file commands; ok is false for any
// other word.
//
//	attach PATH       attach a local file for a modal's file_input; submit it
//	                  as $file: submit import_kind=creators | import_file=$file
//	files [DIR]       list the files pocbot uploaded (exports, rejected rows,
//	                  report charts); with DIR, also save them there
func (p *playground) fileCmd(word, rest string) (ok bool, err error) {
	switch word {
	case "attach":
		if rest == "" {
			return true, fmt.Errorf("attach PATH, e.g. attach creators.csv")
		}
		b, err := os.ReadFile(rest)
		if err != nil {
			return true, err
		}
		id := p.fs.User(p.user).AttachFile(filepath.Base(rest), b)
		lastAttached = id
		fmt.Fprintf(p.out, "attached %s as %s: submit …| import_file=$file\n", filepath.Base(rest), id)
		return true, nil
	case "files":
		for _, f := range p.fs.Files() {
			fmt.Fprintf(p.out, "── %s %q in %s, %d bytes", f.ID, f.Filename, f.Channel, len(f.Content))
			if f.AltText != "" {
				fmt.Fprintf(p.out, "\n   alt: %s", f.AltText)
			}
			if f.InitialComment != "" {
				fmt.Fprintf(p.out, "\n   %s", f.InitialComment)
			}
			fmt.Fprintln(p.out)
			if rest != "" {
				if err := os.WriteFile(filepath.Join(rest, f.ID+"-"+filepath.Base(f.Filename)), f.Content, 0o600); err != nil {
					return true, err
				}
			}
		}
		return true, nil
	}
	return false, nil
}
