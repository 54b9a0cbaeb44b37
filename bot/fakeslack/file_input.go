package fakeslack

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file adds what a spreadsheet import needs from Slack:
//
//   - file_input: a user attaches a file to a modal's file_input
//     (User.AttachFile); the view_submission's state carries, as Slack's
//     does, the file objects, whose url_private the app downloads with the
//     bot token in "Authorization: Bearer". Without the token (or with
//     another) the download redirects to the workspace sign-in page with
//     redir set to the file's path, as files.slack.com does.
//   - a user directory (SetUser) for users.list, users.lookupByEmail and
//     users.info.

// DirectoryUser is a user of the fake workspace's directory.
type DirectoryUser struct {
	ID          string
	Name        string // the handle, e.g. "sari"
	RealName    string
	DisplayName string
	Email       string
	Deleted     bool
	IsBot       bool
}

// MaxFileInputBytes is Slack's size limit of a file_input upload.
const MaxFileInputBytes = 10 << 20

// attached is a file a user put into a file_input.
type attached struct {
	s       *Server
	obj     map[string]any
	content []byte
	path    string // url path of url_private
}

// attachments holds every attached file by ID. File IDs are random, so
// servers in one test binary never share one.
var attachments sync.Map // string → *attached

func init() {
	methods["users.list"] = (*Server).usersList
	methods["users.lookupByEmail"] = (*Server).usersLookupByEmail
	methods["files.info"] = (*Server).filesInfo
}

// SetUser adds or replaces a user in the directory. Users outside it still
// exist for users.info (any U-ID), but users.list and users.lookupByEmail
// know only the directory.
// Its names are also its users.info profile (SetUserProfile).
func (s *Server) SetUser(p DirectoryUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.directory == nil {
		s.directory = map[string]DirectoryUser{}
	}
	s.directory[p.ID] = p
	if s.profiles == nil {
		s.profiles = map[string]Profile{}
	}
	s.profiles[p.ID] = Profile{DisplayName: p.DisplayName, RealName: p.RealName}
}

// profileObjectLocked is id's user object: the synthetic one, with the
// names SetUserProfile (or SetUser) gave and the directory's handle,
// e-mail and state.
func (s *Server) profileObjectLocked(id string, locale bool) map[string]any {
	u := userObject(id, locale)
	s.applyProfileLocked(id, u)
	p, ok := s.directory[id]
	if !ok {
		return u
	}
	if p.Name != "" {
		u["name"] = p.Name
	}
	u["deleted"] = p.Deleted
	u["is_bot"] = p.IsBot
	prof := u["profile"].(map[string]any)
	if p.Email != "" {
		prof["email"] = p.Email
	} else {
		delete(prof, "email")
	}
	return u
}

// usersList pages through the directory (and the bot user) in ID order;
// limit defaults to 0 = all, as Slack recommends no more than 200.
func (s *Server) usersList(r *apiRequest) map[string]any {
	ids := []string{BotUserID}
	for id := range s.directory {
		if id != BotUserID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	start := 0
	if c := r.str("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(raw), "user:")
		if err != nil || !ok {
			return errResp("invalid_cursor")
		}
		start = len(ids)
		for i, x := range ids {
			if x >= id {
				start = i
				break
			}
		}
	}
	limit, _ := strconv.Atoi(r.str("limit"))
	if limit <= 0 || limit > 1000 {
		limit = len(ids)
	}
	end := min(start+limit, len(ids))
	members := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		members = append(members, s.profileObjectLocked(id, r.boolParam("include_locale")))
	}
	next := ""
	if end < len(ids) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + ids[end]))
	}
	return okResp("members", members, "cache_ts", time.Now().Unix(),
		"response_metadata", map[string]any{"next_cursor": next})
}

// usersLookupByEmail finds a directory user by e-mail, ignoring case; the
// synthetic users outside it answer to <lower-case id>@example.com.
func (s *Server) usersLookupByEmail(r *apiRequest) map[string]any {
	email := strings.ToLower(strings.TrimSpace(r.str("email")))
	if email == "" {
		return invalidArgs(pointerf("/email", "missing required field: email"))
	}
	for id, p := range s.directory {
		if strings.EqualFold(p.Email, email) && !p.Deleted {
			return okResp("user", s.profileObjectLocked(id, false))
		}
	}
	if local, ok := strings.CutSuffix(email, "@example.com"); ok {
		id := strings.ToUpper(local)
		if _, listed := s.directory[id]; !listed && isUserID(id) && id != BotUserID {
			return okResp("user", s.profileObjectLocked(id, false))
		}
	}
	return errResp("users_not_found")
}

// AttachFile is the user choosing a file for a file_input: Slack uploads
// it and holds it as a private file of the user. It returns the file ID,
// the value to give Submit for that input (comma-separate several).
func (u *User) AttachFile(name string, content []byte) string {
	s := u.s
	s.mu.Lock()
	id := "F" + strings.ToUpper(randAlnum(10))
	s.mu.Unlock()
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	p := "/files-pri/" + TeamID + "-" + id + "/" + url.PathEscape(name)
	now := time.Now().Unix()
	obj := map[string]any{
		"id": id, "created": now, "timestamp": now, "name": name, "title": name,
		"mimetype": mimeOf(ext), "filetype": ext, "pretty_type": strings.ToUpper(ext),
		"user": u.ID, "user_team": TeamID, "editable": false, "size": len(content),
		"mode": "hosted", "is_external": false, "external_type": "", "is_public": false,
		"public_url_shared": false, "display_as_bot": false, "username": "",
		"url_private":          s.base + p,
		"url_private_download": s.base + strings.Replace(p, "/"+url.PathEscape(name), "/download/"+url.PathEscape(name), 1),
		"media_display_type":   "unknown",
		"permalink":            "https://" + TeamDomain + ".slack.com/files/" + u.ID + "/" + id + "/" + url.PathEscape(name),
		"comments_count":       0, "is_starred": false, "shares": map[string]any{},
		"channels": []any{}, "groups": []any{}, "ims": []any{}, "has_more_shares": false,
		"has_rich_preview": false, "file_access": "visible",
	}
	attachments.Store(id, &attached{s: s, obj: obj, content: content, path: p})
	return id
}

func mimeOf(ext string) string {
	switch ext {
	case "csv":
		return "text/csv"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "png":
		return "image/png"
	case "txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// fileInputEntry is the state.values entry of a file_input: the attached
// files' objects. The client refuses a file whose extension filetypes does
// not list, more than max_files, or one over 10 MB.
func fileInputEntry(e, el map[string]any, v string, given, submit bool) (map[string]any, bool, error) {
	files := []any{}
	if given {
		for _, id := range splitValues(v) {
			a, ok := attachments.Load(id)
			if !ok {
				return nil, false, fmt.Errorf("no attached file %q (use User.AttachFile)", id)
			}
			at := a.(*attached)
			if submit {
				if fts, ok := el["filetypes"].([]any); ok && len(fts) > 0 &&
					!slices.Contains(fts, any(at.obj["filetype"])) {
					return nil, false, fmt.Errorf("file type %q is not in filetypes %v: the Slack client would not accept it", at.obj["filetype"], fts)
				}
				if len(at.content) > MaxFileInputBytes {
					return nil, false, fmt.Errorf("%d bytes, above the 10 MB file_input limit", len(at.content))
				}
			}
			files = append(files, at.obj)
		}
	}
	maxFiles := 10
	if n, ok := el["max_files"].(float64); ok {
		maxFiles = int(n)
	}
	if submit && len(files) > maxFiles {
		return nil, false, fmt.Errorf("%d files, above max_files %d", len(files), maxFiles)
	}
	e["files"] = files
	return e, len(files) > 0, nil
}

// handleFilePrivate serves url_private and url_private_download: the
// content for the bot token, a redirect to the sign-in page otherwise.
func (s *Server) handleFilePrivate(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p := strings.Replace(r.URL.EscapedPath(), "/download/", "/", 1)
	var found *attached
	attachments.Range(func(_, v any) bool {
		if a := v.(*attached); a.s == s && a.path == p {
			found = a
			return false
		}
		return true
	})
	code := ""
	switch {
	case found == nil:
		code = "file_not_found"
	case token != BotToken:
		code = "not_authed"
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "files-pri", Token: token, Params: map[string]string{"path": r.URL.Path},
		At: time.Now(), Error: code})
	s.notifyLocked()
	s.mu.Unlock()
	switch code {
	case "file_not_found":
		http.NotFound(w, r)
	case "not_authed":
		http.Redirect(w, r, "/signin?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
	default:
		w.Header().Set("Content-Type", found.obj["mimetype"].(string))
		_, _ = w.Write(found.content)
	}
}

// handleSignin is the workspace sign-in page a download without access
// lands on.
func (s *Server) handleSignin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<!DOCTYPE html><html><body>Sign in to Fake Team</body></html>")
}

// filesInfo answers for attached files and for files the app uploaded.
func (s *Server) filesInfo(r *apiRequest) map[string]any {
	id := r.str("file")
	if a, ok := attachments.Load(id); ok && a.(*attached).s == s {
		return okResp("file", a.(*attached).obj, "comments", []any{})
	}
	if f := s.findFileLocked(id); f != nil && f.completed {
		return okResp("file", map[string]any{"id": f.f.ID, "name": f.f.Filename, "title": f.f.Title,
			"size": len(f.f.Content), "alt_txt": f.f.AltText}, "comments", []any{})
	}
	return errResp("file_not_found")
}
