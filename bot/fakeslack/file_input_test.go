package fakeslack

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestFileInput_DownloadNeedsTheBotToken(t *testing.T) {
	s := mustServer(t, Options{})
	id := s.User("U1").AttachFile("creators.csv", []byte("handle\n@a.b\n"))
	a, _ := attachments.Load(id)
	obj := a.(*attached).obj
	bot := slack.New(BotToken, slack.OptionAPIURL(s.APIURL()))
	for _, u := range []string{obj["url_private"].(string), obj["url_private_download"].(string)} {
		var buf bytes.Buffer
		if err := bot.GetFile(u, &buf); err != nil || buf.String() != "handle\n@a.b\n" {
			t.Errorf("GetFile(%s) = %q, %v", u, buf.String(), err)
		}
	}
	var buf bytes.Buffer
	err := slack.New("xoxb-someone-else", slack.OptionAPIURL(s.APIURL())).GetFile(obj["url_private"].(string), &buf)
	if err == nil || !strings.Contains(err.Error(), "sign-in page") {
		t.Errorf("GetFile with another token = %v, %q; want the sign-in redirect", err, buf.String())
	}
	if info, _, _, err := bot.GetFileInfo(id, 0, 0); err != nil || info.Name != "creators.csv" || info.Size != 12 {
		t.Errorf("files.info = %+v, %v", info, err)
	}
}

func TestFileInput_SubmitCarriesFileObjects(t *testing.T) {
	view := map[string]any{"type": "modal", "blocks": []any{map[string]any{
		"type": "input", "block_id": "f",
		"element": map[string]any{"type": "file_input", "action_id": "v", "filetypes": []any{"csv"}, "max_files": 1.0},
	}}}
	id := (&User{ID: "U1", s: mustServer(t, Options{})}).AttachFile("x.csv", []byte("a"))
	st, err := buildState(view, map[string]string{"f": id}, true)
	if err != nil {
		t.Fatal(err)
	}
	files := st["f"].(map[string]any)["v"].(map[string]any)["files"].([]any)
	if len(files) != 1 || files[0].(map[string]any)["id"] != id || !strings.Contains(files[0].(map[string]any)["url_private"].(string), "/files-pri/") {
		t.Errorf("state = %+v", st)
	}
	if _, err := buildState(view, map[string]string{"f": id + "," + id}, true); err == nil {
		t.Error("two files accepted with max_files 1")
	}
	png := (&User{ID: "U1", s: mustServer(t, Options{})}).AttachFile("x.png", []byte("a"))
	if _, err := buildState(view, map[string]string{"f": png}, true); err == nil {
		t.Error("a .png accepted with filetypes [csv]")
	}
	if _, err := buildState(view, map[string]string{}, true); err == nil {
		t.Error("an empty required file_input was submitted")
	}
}

func TestUsersListAndLookupByEmail(t *testing.T) {
	s := mustServer(t, Options{})
	for _, p := range []DirectoryUser{{ID: "U3", Name: "c", Email: "c@x.id"}, {ID: "U1", Name: "a", Email: "A@x.id"}, {ID: "U2", Name: "b", Deleted: true, Email: "b@x.id"}} {
		s.SetUser(p)
	}
	api := slack.New(BotToken, slack.OptionAPIURL(s.APIURL()))
	users, err := api.GetUsers(slack.GetUsersOptionLimit(2))
	var ids []string
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	if err != nil || strings.Join(ids, ",") != "U1,U2,U3,"+BotUserID {
		t.Fatalf("users.list = %v, %v", ids, err)
	}
	if n := len(s.Calls("users.list")); n != 2 {
		t.Errorf("%d users.list pages for 4 users at limit 2, want 2", n)
	}
	if u, err := api.GetUserByEmail("a@X.id"); err != nil || u.ID != "U1" {
		t.Errorf("lookup a = %+v, %v", u, err)
	}
	if _, err := api.GetUserByEmail("b@x.id"); err == nil || err.Error() != "users_not_found" {
		t.Errorf("lookup of a deactivated user = %v", err)
	}
	if u, err := api.GetUserByEmail("u9@example.com"); err != nil || u.ID != "U9" {
		t.Errorf("synthetic lookup = %+v, %v", u, err)
	}
	if u, err := api.GetUserInfo("U3"); err != nil || u.Name != "c" || u.Profile.Email != "c@x.id" {
		t.Errorf("users.info = %+v, %v", u, err)
	}
}
