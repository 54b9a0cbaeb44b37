package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// File is a file uploaded with files.getUploadURLExternal, a post to the
// upload URL and files.completeUploadExternal.
type File struct {
	ID             string
	Filename       string
	Title          string // the filename if the app gave none
	Channel        string // "" if the upload was not shared
	InitialComment string
	Content        []byte
	ThreadTS       string
	AltText        string // alt_txt of files.getUploadURLExternal
}

type file struct {
	f         File
	length    int
	uploaded  bool
	completed bool
}

func (s *Server) findFileLocked(id string) *file {
	for _, f := range s.files {
		if f.f.ID == id {
			return f
		}
	}
	return nil
}

func (s *Server) filesGetUploadURLExternal(r *apiRequest) map[string]any {
	name := r.str("filename")
	length, err := strconv.Atoi(r.str("length"))
	if name == "" || err != nil || length <= 0 {
		return invalidArgs(pointerf("/length", "filename and a positive length are required"))
	}
	f := &file{f: File{ID: s.nextIDLocked("F"), Filename: name, AltText: r.str("alt_txt")}, length: length}
	s.files = append(s.files, f)
	// slack-go only uploads to a URL on the API URL's scheme and host.
	return okResp("upload_url", s.base+"/upload/"+f.f.ID, "file_id", f.f.ID)
}

// handleUpload takes the file content, as a multipart "file" field (what
// slack-go sends) or as the raw body.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	var content []byte
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		var part io.ReadCloser
		part, _, err = r.FormFile("file")
		if err == nil {
			content, err = io.ReadAll(part)
			part.Close()
		}
	} else {
		content, err = io.ReadAll(io.LimitReader(r.Body, 1<<30))
	}

	s.mu.Lock()
	f := s.findFileLocked(id)
	code := ""
	switch {
	case err != nil:
		code = "invalid_upload"
	case f == nil || f.uploaded:
		code = "file_not_found"
	default:
		f.f.Content = content
		f.uploaded = true
	}
	s.calls = append(s.calls, Call{
		Method: "upload", Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
		Params: map[string]string{"file_id": id}, Body: content, At: time.Now(), Error: code,
	})
	s.notifyLocked()
	s.mu.Unlock()

	if code != "" {
		http.Error(w, code, http.StatusNotFound)
		return
	}
	if len(content) != f.length {
		s.log.Warn("uploaded size differs from files.getUploadURLExternal length", "file", id,
			"length", f.length, "uploaded", len(content))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(content))
}

func (s *Server) filesCompleteUploadExternal(r *apiRequest) map[string]any {
	raw, ok := r.jsonParam("files")
	var summaries []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if !ok || json.Unmarshal(raw, &summaries) != nil || len(summaries) == 0 {
		return invalidArgs(pointerf("/files", "must be a JSON array of {id, title}"))
	}
	channel := r.str("channel_id")
	if channel == "" {
		channel, _, _ = strings.Cut(r.str("channels"), ",")
	}
	if channel != "" {
		ch, ok := resolveChannel(channel)
		if !ok {
			return errResp("channel_not_found")
		}
		channel = ch
	}
	var files []*file
	for _, sum := range summaries {
		f := s.findFileLocked(sum.ID)
		if f == nil || !f.uploaded || f.completed {
			return errResp("file_not_found")
		}
		files = append(files, f)
	}
	out := make([]map[string]any, len(files))
	for i, f := range files {
		f.completed = true
		f.f.Title = firstNonEmpty(summaries[i].Title, f.f.Filename)
		f.f.Channel = channel
		f.f.InitialComment = r.str("initial_comment")
		f.f.ThreadTS = r.str("thread_ts")
		out[i] = map[string]any{"id": f.f.ID, "title": f.f.Title}
	}
	return okResp("files", out)
}

// Files returns the files whose upload was completed, oldest first.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, f := range s.files {
		if f.completed {
			out = append(out, f.f)
		}
	}
	return out
}
