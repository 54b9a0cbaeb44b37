package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// helpMsg renders a command's help from its table entry, followed by a
// one-line summary of every other command. lead, if set, comes first (for
// example "I didn't understand `foo`.") and must already be safe mrkdwn.
func (b *Bot) helpMsg(c *command, lead string) msg {
	var blocks []slack.Block
	if lead != "" {
		blocks = append(blocks, section(lead))
	}
	blocks = append(blocks, header(c.Name+" — "+c.Summary))
	var lines []string
	for _, u := range c.Usage {
		lines = append(lines, fmt.Sprintf("`%s`  %s", strings.TrimSpace(c.Name+" "+u.Syntax), u.Desc))
	}
	blocks = append(blocks, joinLines(lines)...)
	if len(c.Examples) > 0 {
		var ex []string
		for _, e := range c.Examples {
			ex = append(ex, "• `"+e+"`")
		}
		blocks = append(blocks, section("*Examples*\n"+strings.Join(ex, "\n")))
	}
	var others []string
	for _, name := range b.Commands() {
		if name != c.Name {
			others = append(others, fmt.Sprintf("`%s` %s", name, b.rt.commands[name].Summary))
		}
	}
	if len(others) > 0 {
		blocks = append(blocks, contextText("Also: "+strings.Join(others, " · ")+". Type `help` after any command for more."))
	}
	text := c.Name + " — " + c.Summary
	if lead != "" {
		text = lead + " " + text
	}
	return msg{text: text, blocks: blocks}
}

// HelpExamples returns the examples a command's help shows (tests run
// each through the parser).
func (b *Bot) HelpExamples(command string) []string {
	if c, ok := b.rt.commands[command]; ok {
		return append([]string(nil), c.Examples...)
	}
	return nil
}
