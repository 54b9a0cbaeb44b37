package bot

import "pocbot/store"

// storeForm says where a store error lands on one modal: fields maps the
// store's input field names (store.Field*) to the modal's input blocks, and
// an Invalid error about no field of the modal goes on fallback.
//
// It is the one way a coded store error reaches a form field: the store
// tags each error with the field it concerns (store.ErrorField), and no code
// here looks at an error's text.
type storeForm struct {
	fields   map[string]string
	fallback string
}

// errors returns the field errors to answer a submission with, or nil when
// err is not the user's to fix on this form: nil, Internal, or a refusal
// (Conflict, NotFound, Forbidden) about no field of the form. The handler
// then returns err, and the router replies with its message.
func (f storeForm) errors(err error) fieldErrors {
	fe := fieldErrors{}
	if !f.put(fe, err) {
		return nil
	}
	return fe
}

// put adds err to fe on its block and reports whether it did (see errors).
func (f storeForm) put(fe fieldErrors, err error) bool {
	code := store.ErrorCode(err)
	if code == "" || code == store.Internal {
		return false
	}
	block, ok := f.fields[store.ErrorField(err)]
	if !ok {
		if code != store.Invalid || f.fallback == "" {
			return false
		}
		block = f.fallback
	}
	fe[block] = store.ErrorMessage(err)
	return true
}
