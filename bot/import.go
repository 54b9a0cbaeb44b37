package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
	"pocbot/store/sheet"
)

// /creator import: an admin attaches a CSV or XLSX file to a modal and
// says whether it holds creators or past pitches. Submitting checks the
// file (a dry run: what would be created or updated, and every bad row
// with its line and why, also sent as a CSV to the admin's DM); the
// "Import" button of that view applies it in batches, updating the modal
// with the progress. The file is downloaded from its url_private with the
// bot token both times, so nothing of it is kept between the two steps.

const (
	viewImport      = "creator_import"
	viewImportApply = "creator_import_apply"
	blockImportKind = "import_kind"
	blockImportFile = "import_file"
	// actionImportAgain puts the form back, to attach another file.
	actionImportAgain = "import_again"
	// importShownBad is how many bad rows the modal lists; the rest are in
	// the rejected-rows CSV. Each takes one line of a section.
	importShownBad = 60
)

// importMeta is the private_metadata of the check and apply views.
type importMeta struct {
	Kind sheet.Kind `json:"k"`
	File string     `json:"f"` // file ID
	URL  string     `json:"u"` // url_private_download
	Name string     `json:"n"`
}

func (b *Bot) importRoutes() {
	b.rt.view(viewImport, b.submitImportCheck)
	b.rt.view(viewImportApply, b.submitImportApply)
	b.rt.action(actionImportAgain, func(ctx context.Context, r *Request) error {
		kind, _ := sheet.ParseKind(r.Action.Value)
		v := importModal(kind, "")
		_, err := b.api.UpdateViewContext(ctx, v, "", r.Callback.View.Hash, r.Callback.View.ID)
		if err != nil {
			return fmt.Errorf("views.update back to the import form: %w", slackDetail(err))
		}
		return nil
	})
}

// creatorImport opens the import modal (admins only).
func (b *Bot) creatorImport(ctx context.Context, r *Request, rest string) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("import spreadsheets")
	}
	kind := sheet.Creators
	if k, ok := sheet.ParseKind(rest); ok {
		kind = k
	}
	return b.openModal(ctx, r, importModal(kind, ""))
}

// importModal is the form; problem, if set, says why the last file could
// not be used.
func importModal(kind sheet.Kind, problem string) slack.ModalViewRequest {
	creators := option(string(sheet.Creators), "Creators — handle, name, followers, category, owner, contact, notes")
	pitches := option(string(sheet.Pitches), "Past pitches — handle, pitched by, date, product, status, note")
	radio := slack.NewRadioButtonsBlockElement(inputAction, creators, pitches)
	radio.InitialOption = creators
	if kind == sheet.Pitches {
		radio.InitialOption = pitches
	}
	fileEl := slack.NewFileInputBlockElement(inputAction).WithFileTypes("csv", "xlsx").WithMaxFiles(1)
	var top []slack.Block
	if problem != "" {
		top = append(top, section(":x: *That file could not be checked.* "+esc(problem)+"\nAttach a corrected file below."))
	}
	return modal(viewImport, "Import a spreadsheet", "Check file", viewMeta{}, append(top,
		slack.NewInputBlock(blockImportKind, plain("The file holds", 2000), nil, radio),
		slack.NewInputBlock(blockImportFile, plain("CSV or Excel (.xlsx) file, up to 10 MB", 2000),
			plain("The first row names the columns. Nothing is imported until you have seen the check.", 2000), fileEl),
		contextText("Columns are found by their header, in English or Indonesian: *handle* (or Username, Akun TikTok, a TikTok profile link), "+
			"*name*/Nama, *followers*/Pengikut, *category*/Kategori, *owner*/PIC (Slack handle, e-mail or member ID), *contact*/Kontak, *notes*/Catatan — "+
			"or, for past pitches, *handle*, *pitched by*/Oleh, *date*/Tanggal, *product*/Produk, *status*/Hasil, *note*/Catatan. "+
			"Importing the same file again changes nothing."),
	)...)
}

// submitImportCheck validates the submission, answers with a "Checking…"
// view at once (a big file takes longer than the 3 s ack), then downloads,
// parses and dry-runs the file and updates the view with the result.
func (b *Bot) submitImportCheck(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	if !b.isAdmin(r.UserID) {
		return nil, nil, b.notAdmin("import spreadsheets")
	}
	st := viewState(r)
	kind, _ := sheet.ParseKind(st.text(blockImportKind))
	files := st[blockImportFile][inputAction].Files
	errs := fieldErrors{}
	switch {
	case kind == "":
		errs[blockImportKind] = "Choose what the file holds."
	case len(files) != 1:
		errs[blockImportFile] = "Attach one CSV or XLSX file."
	case !importableName(files[0].Name):
		errs[blockImportFile] = fmt.Sprintf("%s is not a CSV or XLSX file. Save the sheet as .csv or .xlsx and attach that.", truncate(files[0].Name, 80))
	case files[0].Size > sheet.MaxBytes:
		errs[blockImportFile] = "The file is over 10 MB; split it into smaller files."
	}
	if len(errs) > 0 {
		return errs.response(), nil, nil
	}
	f := files[0]
	meta := importMeta{Kind: kind, File: f.ID, URL: firstNonEmptyStr(f.URLPrivateDownload, f.URLPrivate), Name: f.Name}
	av := newAckedView()
	resp := slack.NewUpdateViewSubmissionResponse(av.view(progressModal(viewImport, "Checking "+f.Name+"…",
		"Reading the file and checking every row. This page updates by itself.")))
	return resp, func(ctx context.Context) error {
		return b.importCheck(ctx, r, av, meta)
	}, nil
}

func importableName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".csv" || ext == ".xlsx"
}

func firstNonEmptyStr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// progressModal is a view without a submit button, showing what is going on.
func progressModal(callbackID, title, text string) *slack.ModalViewRequest {
	v := modal(callbackID, "Import a spreadsheet", "", viewMeta{}, section("*"+esc(title)+"*"), contextText(esc(text)))
	v.Close = plain("Close", maxTitleLen)
	return &v
}

// importRun is one downloaded and parsed file.
type importRun struct {
	table  *sheet.Table
	parsed *sheet.Parsed
}

// loadImport downloads the file with the bot token and parses it.
func (b *Bot) loadImport(ctx context.Context, meta importMeta) (*importRun, error) {
	if meta.URL == "" {
		return nil, errorf("Slack sent the file without a download link. Attach it again.")
	}
	var buf bytes.Buffer
	if err := b.api.GetFileContext(ctx, meta.URL, &limitWriter{w: &buf, n: sheet.MaxBytes + 1}); err != nil {
		if store.ErrorCode(err) == store.Invalid {
			return nil, err
		}
		b.log.Warn("import file download failed", "file", meta.File, "err", slackDetail(err))
		return nil, errorf("I could not download %s from Slack (was it deleted?). Attach the file again with /creator import.", meta.Name)
	}
	t, err := sheet.Read(&buf)
	if err != nil {
		return nil, errorf("%s: %s", meta.Name, err.Error())
	}
	res, err := b.teammates(ctx, sheet.UserRefs(t, meta.Kind))
	if err != nil {
		return nil, err
	}
	p, err := sheet.Parse(t, meta.Kind, res, b.cfg.Location)
	if err != nil {
		return nil, errorf("%s: %s.", meta.Name, err.Error())
	}
	return &importRun{table: t, parsed: p}, nil
}

// limitWriter fails once more than n bytes are written.
type limitWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.w.Len()+len(p) > l.n {
		return 0, errorf("The file is over 10 MB; split it into smaller files.")
	}
	return l.w.Write(p)
}

// run imports (or dry-runs) the parsed rows as userID.
func (b *Bot) runImport(ctx context.Context, userID string, meta importMeta, run *importRun, opt store.ImportOptions) (*store.ImportResult, error) {
	opt.File = meta.Name
	if meta.Kind == sheet.Pitches {
		return b.db.ImportPitchRows(ctx, userID, run.parsed.Pitches, opt)
	}
	return b.db.ImportCreatorRows(ctx, userID, run.parsed.Creators, opt)
}

func (b *Bot) importCheck(ctx context.Context, r *Request, av *ackedView, meta importMeta) error {
	fail := func(err error) error {
		v := importModal(meta.Kind, userText(err))
		if uerr := b.updateAcked(ctx, av, v); uerr != nil {
			r.log.Warn("views.update after a failed check", "err", slackDetail(uerr))
		}
		if store.ErrorCode(err) == store.Invalid {
			return nil // shown in the modal
		}
		return err
	}
	run, err := b.loadImport(ctx, meta)
	if err != nil {
		return fail(err)
	}
	res, err := b.runImport(ctx, r.UserID, meta, run, store.ImportOptions{DryRun: true})
	if err != nil {
		return fail(err)
	}
	bad := sheet.AllBad(run.parsed, res)
	var sent string
	if len(bad) > 0 {
		var csv bytes.Buffer
		if err := sheet.WriteRejected(&csv, run.table, bad); err != nil {
			return fail(err)
		}
		name := strings.TrimSuffix(meta.Name, path.Ext(meta.Name)) + "-rejected.csv"
		comment := fmt.Sprintf("%s of %s that would not be imported, with the line number and why. Fix them in the original file and import it again.",
			plural(len(bad), "row", "rows"), meta.Name)
		if err := b.sendFileToDM(ctx, r.UserID, name, csv.Bytes(), comment); err != nil {
			r.log.Warn("rejected rows CSV not sent", "err", err)
		} else {
			sent = name
		}
	}
	v := checkedModal(meta, run.parsed, res, bad, sent)
	v.Blocks.BlockSet = fitBlocks(append(v.Blocks.BlockSet, slack.NewActionBlock("import_actions",
		button(actionImportAgain, string(meta.Kind), "Choose another file"))), maxViewBlocks, "…")
	if err := b.updateAcked(ctx, av, v); err != nil {
		return fmt.Errorf("views.update with the check: %w", slackDetail(err))
	}
	return nil
}

// userText is what a user may read of err.
func userText(err error) string {
	if store.ErrorCode(err) == store.Invalid {
		return store.ErrorMessage(err)
	}
	return "Something went wrong on my side; nothing was imported. Try again, and if it keeps failing tell whoever runs pocbot."
}

// newCreators is " (and 3 new creators)" for a pitch import that adds some.
func newCreators(res *store.ImportResult) string {
	if res.NewCreators == 0 {
		return ""
	}
	return " (and " + plural(res.NewCreators, "new creator", "new creators") + ")"
}

func kindWords(k sheet.Kind) (one, many string) {
	if k == sheet.Pitches {
		return "past pitch", "past pitches"
	}
	return "creator", "creators"
}

// checkedModal is the dry run's result, with the Import button if any row
// would change something.
func checkedModal(meta importMeta, p *sheet.Parsed, res *store.ImportResult, bad []store.RowError, sent string) slack.ModalViewRequest {
	one, many := kindWords(meta.Kind)
	lines := []string{
		fmt.Sprintf("*%s* has %s.", esc(meta.Name), plural(p.Total, "row", "rows")),
		fmt.Sprintf("• %s would be created%s", plural(res.Created, "new "+one, "new "+many), newCreators(res)),
		fmt.Sprintf("• %s would be updated", plural(res.Updated, one, many)),
		fmt.Sprintf("• %s already as in the file (unchanged)", plural(res.Unchanged, one+" is", many+" are")),
		fmt.Sprintf("• %s rejected", plural(len(bad), "row is", "rows are")),
	}
	blocks := []slack.Block{section(strings.Join(lines, "\n"))}
	if p.Hint != "" {
		blocks = append(blocks, section(":warning: "+esc(p.Hint)))
	}
	if len(p.Unused) > 0 {
		blocks = append(blocks, contextText("Columns not imported (no matching field): "+esc(truncate(strings.Join(p.Unused, ", "), 500))))
	}
	if len(bad) > 0 {
		blocks = append(blocks, header("Rejected rows"))
		var bl []string
		for i, e := range bad {
			if i == importShownBad {
				bl = append(bl, fmt.Sprintf("…and %d more.", len(bad)-importShownBad))
				break
			}
			bl = append(bl, fmt.Sprintf("*Line %d:* %s", e.Line, esc(truncate(e.Reason, 200))))
		}
		blocks = append(blocks, joinLines(bl)...)
		if sent != "" {
			blocks = append(blocks, contextText(fmt.Sprintf(":page_facing_up: All rejected rows are in `%s`, sent to your DM with me: fix them there and import that file.", esc(sent))))
		}
	}
	mb, _ := json.Marshal(meta)
	submit := ""
	if res.Changed() > 0 {
		submit = truncate("Import "+plural(res.Changed(), "row", "rows"), maxTitleLen)
		blocks = append(blocks, contextText("Rejected and unchanged rows are skipped. Importing the same file again changes nothing."))
	} else {
		blocks = append(blocks, section("Nothing to import: every good row is already in pocbot as the file has it."))
	}
	v := modal(viewImportApply, "Import a spreadsheet", submit, viewMeta{}, blocks...)
	v.PrivateMetadata = string(mb)
	v.Close = plain("Cancel", maxTitleLen)
	return v
}

// submitImportApply starts the import and shows its progress.
func (b *Bot) submitImportApply(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	if !b.isAdmin(r.UserID) {
		return nil, nil, b.notAdmin("import spreadsheets")
	}
	var meta importMeta
	if err := json.Unmarshal([]byte(r.Callback.View.PrivateMetadata), &meta); err != nil || meta.URL == "" {
		return nil, nil, errorf("That import form is from an older version of pocbot. Run /creator import again.")
	}
	av := newAckedView()
	resp := slack.NewUpdateViewSubmissionResponse(av.view(progressModal(viewImportApply, "Importing "+meta.Name+"…", "Starting. This page updates by itself; you may close it, I will DM you when it is done.")))
	return resp, func(ctx context.Context) error {
		// A 50,000-row file needs more than the default handler time on a
		// slow disk; the import's own batches keep it responsive.
		return b.importApply(longer(ctx, 10*time.Minute), r, av, meta)
	}, nil
}

func (b *Bot) importApply(ctx context.Context, r *Request, av *ackedView, meta importMeta) error {
	update := func(title, text string) {
		if err := b.updateAcked(ctx, av, *progressModal(viewImportApply, title, text)); err != nil {
			r.log.Debug("import progress not shown", "err", slackDetail(err)) // closed by the user
		}
	}
	run, err := b.loadImport(ctx, meta)
	if err != nil {
		update("Nothing was imported", userText(err))
		if store.ErrorCode(err) == store.Invalid {
			return nil
		}
		return err
	}
	var mu sync.Mutex
	last := time.Time{}
	res, err := b.runImport(ctx, r.UserID, meta, run, store.ImportOptions{Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		update(fmt.Sprintf("Importing %s… %d%%", meta.Name, done*100/max(total, 1)),
			fmt.Sprintf("%d of %d rows done.", done, total))
	}})
	if err != nil {
		update("The import stopped", userText(err)+" Rows already imported stay; importing the file again adds only the rest.")
		return err
	}
	one, many := kindWords(meta.Kind)
	summary := fmt.Sprintf("%s created, %s updated, %s unchanged, %s rejected.",
		plural(res.Created, one, many), plural(res.Updated, one, many), plural(res.Unchanged, one, many), plural(len(sheet.AllBad(run.parsed, res)), "row", "rows"))
	title := fmt.Sprintf("Imported %s", meta.Name)
	if res.ID != 0 {
		title = fmt.Sprintf("Import #%d done: %s", res.ID, meta.Name)
	}
	update(title, summary)
	text := fmt.Sprintf(":white_check_mark: %s — %s", esc(title), summary)
	if _, _, err := b.post(ctx, r.UserID, msg{text: text, blocks: []slack.Block{section(text)}}); err != nil {
		r.log.Warn("import summary DM failed", "err", err)
	}
	r.log.Info("spreadsheet imported", "kind", meta.Kind, "import", res.ID, "created", res.Created, "updated", res.Updated)
	return nil
}

// longer extends a handler context's deadline to d from now, while still
// ending when the bot shuts down (the parent is cancelled, not timed out).
func longer(ctx context.Context, d time.Duration) context.Context {
	long, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	context.AfterFunc(ctx, func() {
		if ctx.Err() == context.Canceled {
			cancel()
		}
	})
	return long
}

// sendFileToDM uploads content into the user's DM with the bot
// (files.completeUploadExternal shares only into a conversation ID).
func (b *Bot) sendFileToDM(ctx context.Context, userID, name string, content []byte, comment string) error {
	dm, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
	if err != nil {
		return fmt.Errorf("conversations.open: %w", slackDetail(err))
	}
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(content), FileSize: len(content), Filename: name, Title: name,
		Channel: dm.ID, InitialComment: comment,
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", name, slackDetail(err))
	}
	return nil
}
