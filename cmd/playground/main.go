// Command playground runs the project's fake Slack on this machine so a
// person can use pocbot without a Slack workspace: it starts the fake,
// prints the environment to point pocbot at it (or starts a pocbot binary
// itself with -exec), and reads lines typed as a Slack user would act:
//
//	/pitch @sari.beauty Glow Serum     run a slash command as the current user
//	as U2                              act as another user
//	msgs                               list messages (numbered)
//	click N ACTION_ID [VALUE]          press a button or pick an option in message N
//	view                               show the open modal
//	submit BLOCK=VALUE | BLOCK=VALUE   submit the open modal
//	shortcut CALLBACK_ID N             run a message shortcut on message N
//	home                               open the App Home tab
//	drop | disconnect REASON | ratelimit METHOD N SECONDS
//	attach PATH | files [DIR]          file_input uploads; files pocbot uploaded (files.go)
//	help | quit
//
// Usage:
//
//	go build -o pocbot ./cmd/pocbot && go run ./cmd/playground -exec ./pocbot
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"pocbot/bot/fakeslack"
)

func main() {
	bin := flag.String("exec", "", "pocbot binary to start against the fake (optional)")
	db := flag.String("db", "playground.db", "POCBOT_DB for the started binary")
	flag.Parse()
	fs := fakeslack.New(fakeslack.Options{})
	defer fs.Close()
	env := []string{
		"SLACK_API_URL=" + fs.APIURL(),
		"SLACK_BOT_TOKEN=" + fakeslack.BotToken,
		"SLACK_APP_TOKEN=" + fakeslack.AppToken,
	}
	fmt.Println("fake Slack is up. Point pocbot at it with:")
	fmt.Println("  " + strings.Join(env, " ") + " POCBOT_DIGEST_CHANNEL=CDIGEST POCBOT_ADMINS=U1 go run ./cmd/pocbot")
	if *bin != "" {
		cmd := exec.Command(*bin)
		cmd.Env = append(os.Environ(), env...)
		cmd.Env = append(cmd.Env, "POCBOT_DB="+*db, "POCBOT_DIGEST_CHANNEL=CDIGEST", "POCBOT_ADMINS=U1", "POCBOT_BACKUP_CRON=off")
		logf, err := os.Create("playground-pocbot.log")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer logf.Close()
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "playground:", err)
			os.Exit(1)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		defer func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
			}
		}()
		fmt.Println("started", *bin, "(logs in playground-pocbot.log)")
		go func() {
			if err := <-exited; err != nil {
				b, _ := os.ReadFile("playground-pocbot.log")
				fmt.Fprintf(os.Stderr, "\npocbot exited: %v\n%s\n", err, b)
				exited <- err
			}
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	if err := fs.WaitConnected(ctx, 1); err != nil {
		fmt.Println("waiting for pocbot to connect…")
	} else {
		fmt.Println("pocbot connected.")
	}
	cancel()
	p := &playground{fs: fs, user: "U1", out: os.Stdout}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	fmt.Print("U1> ")
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "quit" || line == "exit" {
			break
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			if err := p.do(line); err != nil {
				fmt.Println("!", err)
			}
		}
		fmt.Printf("%s> ", p.user)
	}
	fmt.Println()
}

type playground struct {
	fs    *fakeslack.Server
	user  string
	out   io.Writer
	edits map[string]int // message → edit count before the current action
}

func (p *playground) do(line string) error {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := len(p.fs.Messages())
	p.edits = map[string]int{}
	for _, m := range p.fs.Messages() {
		p.edits[m.Channel+m.TS] = m.Updates
	}
	u := p.fs.User(p.user)
	switch {
	case strings.HasPrefix(word, "/"):
		res, err := u.Command(ctx, "CGENERAL", word, rest)
		if err != nil {
			return err
		}
		fmt.Fprintf(p.out, "(acked in %v)\n", res.Ack.Latency.Round(time.Microsecond))
		p.settle(before)
	case word == "as":
		if rest == "" {
			return fmt.Errorf("as USERID, e.g. as U2")
		}
		p.user = rest
	case word == "msgs":
		for i, m := range p.fs.Messages() {
			p.printMsg(i, m)
		}
	case word == "click":
		f := strings.Fields(rest)
		if len(f) < 2 {
			return fmt.Errorf("click N ACTION_ID [VALUE]")
		}
		m, err := p.msg(f[0])
		if err != nil {
			return err
		}
		val := ""
		if len(f) > 2 {
			val = strings.Join(f[2:], " ")
		}
		if _, err := u.Click(ctx, fakeslack.Target{Message: &m}, f[1], val); err != nil {
			return err
		}
		p.settle(before)
	case word == "view":
		v, ok := p.fs.OpenView(p.user)
		if !ok {
			return fmt.Errorf("no modal open for %s", p.user)
		}
		p.printView(v)
	case word == "submit":
		v, ok := p.fs.OpenView(p.user)
		if !ok {
			return fmt.Errorf("no modal open for %s", p.user)
		}
		vals := map[string]string{}
		for _, kv := range strings.Split(rest, "|") {
			k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if ok {
				vals[strings.TrimSpace(k)] = attachedOr(strings.ReplaceAll(strings.TrimSpace(val), `\n`, "\n"))
			}
		}
		if _, err := u.Submit(ctx, v.ID, vals); err != nil {
			return err
		}
		if nv, ok := p.fs.OpenView(p.user); ok && len(nv.Errors) > 0 {
			for k, e := range nv.Errors {
				fmt.Fprintf(p.out, "  field %s: %s\n", k, e)
			}
		}
		p.settle(before)
	case word == "shortcut":
		f := strings.Fields(rest)
		if len(f) != 2 {
			return fmt.Errorf("shortcut CALLBACK_ID N")
		}
		m, err := p.msg(f[1])
		if err != nil {
			return err
		}
		if _, err := u.MessageShortcut(ctx, f[0], m); err != nil {
			return err
		}
		time.Sleep(300 * time.Millisecond)
		if v, ok := p.fs.OpenView(p.user); ok {
			p.printView(v)
		}
	case word == "home":
		if _, err := u.OpenHome(ctx); err != nil {
			return err
		}
		time.Sleep(300 * time.Millisecond)
		if v, ok := p.fs.HomeView(p.user); ok {
			p.printView(v)
		}
	case word == "drop":
		p.fs.DropConnections()
	case word == "disconnect":
		p.fs.Disconnect(rest)
	case word == "ratelimit":
		f := strings.Fields(rest)
		if len(f) != 3 {
			return fmt.Errorf("ratelimit METHOD N SECONDS")
		}
		n, _ := strconv.Atoi(f[1])
		s, _ := strconv.Atoi(f[2])
		p.fs.RateLimit(f[0], n, time.Duration(s)*time.Second)
	case word == "help":
		fmt.Fprintln(p.out, "/cmd TEXT · as USER · msgs · click N ACTION [VALUE] · view · submit BLOCK=V | BLOCK=V · shortcut CALLBACK N · home · drop · disconnect REASON · ratelimit METHOD N SECS · attach PATH · files [DIR] · quit")
	default:
		if ok, err := p.fileCmd(word, rest); ok {
			return err
		}
		return fmt.Errorf("unknown: %s (type help)", word)
	}
	return nil
}

func (p *playground) msg(n string) (fakeslack.Message, error) {
	i, err := strconv.Atoi(n)
	ms := p.fs.Messages()
	if err != nil || i < 0 || i >= len(ms) {
		return fakeslack.Message{}, fmt.Errorf("no message %s (msgs lists them)", n)
	}
	return ms[i], nil
}

// settle waits briefly for the bot's replies and prints what changed.
func (p *playground) settle(before int) {
	time.Sleep(400 * time.Millisecond)
	ms := p.fs.Messages()
	for i, m := range ms {
		if i >= before || m.Updates != p.edits[m.Channel+m.TS] {
			p.printMsg(i, m)
		}
	}
	if v, ok := p.fs.OpenView(p.user); ok && len(ms) == before {
		p.printView(v)
	}
}

func (p *playground) printMsg(i int, m fakeslack.Message) {
	fmt.Fprintf(p.out, "── [%d] %s in %s", i, m.Kind, m.Channel)
	if m.User != "" {
		fmt.Fprintf(p.out, " (only %s sees it)", m.User)
	}
	if m.ThreadTS != "" {
		fmt.Fprintf(p.out, " thread %s", m.ThreadTS)
	}
	if m.Updates > 0 {
		fmt.Fprintf(p.out, " (edited %d×)", m.Updates)
	}
	fmt.Fprintf(p.out, "\n   text: %s\n", m.Text)
	renderBlocks(p.out, m.Blocks)
}

func (p *playground) printView(v *fakeslack.View) {
	fmt.Fprintf(p.out, "── view %s (%s, callback %s)\n", v.ID, v.Type, v.CallbackID)
	var obj struct {
		Title  struct{ Text string } `json:"title"`
		Blocks json.RawMessage       `json:"blocks"`
	}
	_ = json.Unmarshal(v.JSON, &obj)
	if obj.Title.Text != "" {
		fmt.Fprintf(p.out, "   title: %s\n", obj.Title.Text)
	}
	renderBlocks(p.out, obj.Blocks)
	for k, e := range v.Errors {
		fmt.Fprintf(p.out, "   error on %s: %s\n", k, e)
	}
}

type textObj struct {
	Text string `json:"text"`
}

type element struct {
	Type     string                   `json:"type"`
	ActionID string                   `json:"action_id"`
	Value    string                   `json:"value"`
	Text     *textObj                 `json:"text"`
	Initial  string                   `json:"initial_value"`
	Options  []struct{ Value string } `json:"options"`
}

type block struct {
	Type      string          `json:"type"`
	BlockID   string          `json:"block_id"`
	Text      *textObj        `json:"text"`
	Fields    []textObj       `json:"fields"`
	Elements  json.RawMessage `json:"elements"`
	Label     *textObj        `json:"label"`
	Element   *element        `json:"element"`
	Accessory *element        `json:"accessory"`
	Optional  bool            `json:"optional"`
}

func renderBlocks(w io.Writer, raw json.RawMessage) {
	var blocks []block
	if len(raw) == 0 || json.Unmarshal(raw, &blocks) != nil {
		return
	}
	for _, b := range blocks {
		switch b.Type {
		case "header":
			fmt.Fprintf(w, "   # %s\n", b.Text.Text)
		case "section":
			if b.Text != nil {
				fmt.Fprintf(w, "   %s\n", strings.ReplaceAll(b.Text.Text, "\n", "\n   "))
			}
			for _, f := range b.Fields {
				fmt.Fprintf(w, "   | %s\n", f.Text)
			}
		case "context":
			var els []textObj
			_ = json.Unmarshal(b.Elements, &els)
			for _, e := range els {
				fmt.Fprintf(w, "   (%s)\n", e.Text)
			}
		case "divider":
			fmt.Fprintln(w, "   ───")
		case "actions":
			var bs []string
			var els []element
			_ = json.Unmarshal(b.Elements, &els)
			for _, e := range els {
				label := e.Type
				if e.Text != nil {
					label = e.Text.Text
				}
				bs = append(bs, fmt.Sprintf("[%s → %s %s]", label, e.ActionID, e.Value))
			}
			fmt.Fprintf(w, "   %s\n", strings.Join(bs, " "))
		case "input":
			opt := ""
			if b.Optional {
				opt = " (optional)"
			}
			kind, init := "", ""
			if b.Element != nil {
				kind = b.Element.Type
				init = b.Element.Initial
				if len(b.Element.Options) > 0 {
					var vs []string
					for _, o := range b.Element.Options {
						vs = append(vs, o.Value)
					}
					kind += " " + strings.Join(vs, "/")
				}
			}
			fmt.Fprintf(w, "   input %s: %s%s [%s] %s\n", b.BlockID, b.Label.Text, opt, kind, init)
		}
	}
}
