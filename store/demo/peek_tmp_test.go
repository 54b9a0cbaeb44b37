package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"pocbot/store"
)

func TestTmpPeek(t *testing.T) {
	if os.Getenv("DEMO_MANY") == "" {
		t.Skip()
	}
	db, _ := seedTemp(t, tuesday, 1)
	h := readHistory(t, db, tuesday, 1)
	ctx := context.Background()
	for _, is := range h.issues[:40] {
		fmt.Printf("%s %s %s %s @%s rep=%s asg=%s created=%s due=%s\n", is.Ref(), is.Status, is.Priority, is.Category, is.Handle, is.ReporterID, is.AssigneeID, is.CreatedAt.In(jakarta).Format("Mon 01-02 15:04"), is.SLA.Due.In(jakarta).Format("Mon 01-02 15:04"))
		for _, e := range h.events[is.ID] {
			fmt.Printf("    %s %s %s %s->%s %s\n", e.At.In(jakarta).Format("Mon 01-02 15:04"), e.UserID, e.Action, e.From, e.To, e.Note)
		}
	}
	for _, tk := range h.tasks {
		fmt.Printf("task %d %s %s %q qty=%d done=%d due=%s created=%s\n", tk.ID, tk.Status, tk.Assignee, tk.Title, tk.Quantity, tk.Done(), tk.Due.In(jakarta).Format("Mon 01-02 15:04"), tk.CreatedAt.In(jakarta).Format("Mon 01-02 15:04"))
	}
	var buf bytes.Buffer
	cur, _ := store.CurrencyFor("IDR")
	store.WriteVoucherCSV(&buf, h.vouchers[:8], cur, jakarta)
	fmt.Println(buf.String())
	for _, c := range h.camps {
		fmt.Printf("%+v\n", c)
	}
	for _, p := range h.pitches[len(h.pitches)-12:] {
		fmt.Printf("pitch %d @%s %s %q %s %s\n", p.ID, p.Handle, p.UserID, p.Product, p.Status, p.CreatedAt.In(jakarta).Format("Mon 01-02 15:04"))
	}
	for _, c := range h.creators[:10] {
		fmt.Printf("%+v\n", *c)
	}
	fmt.Println(h.holidays, len(h.targets))
	_ = ctx
}
