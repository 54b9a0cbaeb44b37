package demo

// The vocabulary of the demo data. Lists, not maps: the seeder walks them
// in order, so the data never depends on map iteration.

var femaleNames = []string{
	"sari", "nadia", "ayu", "dinda", "rani", "intan", "maya", "tiara", "citra", "fitri",
	"laras", "nabila", "salsa", "zahra", "aulia", "anisa", "bella", "clara", "winda", "yuni",
	"mega", "tasya", "vina", "indah", "kirana", "nurul", "amel", "devi", "eka", "gita",
	"hana", "icha", "jihan", "lia", "mira", "nina", "olla", "puspa", "rara", "siska",
}

var maleNames = []string{
	"budi", "raka", "dimas", "bagas", "rizky", "fajar", "eko", "yoga", "arif", "andi",
	"reza", "dodi", "ilham", "hendra", "kevin", "gilang", "bima", "dani", "farhan", "galih",
	"hafiz", "irfan", "joko", "lutfi", "naufal", "putra", "rangga", "satria", "teguh", "wahyu",
}

var surnames = []string{
	"Wijaya", "Pratama", "Saputra", "Lestari", "Kusuma", "Hidayat", "Santoso", "Nugroho", "Permata", "Halim",
	"Siregar", "Nasution", "Simanjuntak", "Harahap", "Tanjung", "Gunawan", "Setiawan", "Rahmawati", "Anggraini",
	"Maharani", "Susanti", "Purnama", "Wibowo", "Firmansyah", "Utami", "Hakim", "Sembiring", "Putri", "Ramadhan",
	"Syahputra", "Kurniawan", "Handayani", "Suryadi", "Pangaribuan", "Tambunan", "Daulay",
}

var cities = []string{"jkt", "bdg", "sby", "jogja", "mdn", "bali", "smg", "mks", "bks", "tng"}

// category is one creator niche with the words its handles use and the
// sellers' products the team pitches to it. weight is its share in percent.
type category struct {
	name     string
	weight   int
	tags     []string
	products []string
}

var categories = []category{
	{"beauty", 30, []string{"beauty", "glow", "makeup", "skincare", "cantik", "mua"},
		[]string{"Glow Serum Niacinamide 10%", "Cushion Matte SPF 35", "Lip Tint Velvet", "Sunscreen Aqua Gel SPF 50"}},
	{"fashion", 22, []string{"style", "ootd", "fashion", "hijab", "outfit", "daily"},
		[]string{"Hijab Voal Premium", "Kemeja Linen Oversize", "Sneakers Canvas Putih"}},
	{"food", 15, []string{"kuliner", "makan", "foodie", "jajan", "masak", "eats"},
		[]string{"Keripik Pedas Level 5", "Kopi Susu Gula Aren 1L", "Sambal Bawang Botol"}},
	{"gadget", 12, []string{"tech", "gadget", "review", "gamer", "unboxing"},
		[]string{"TWS Earbuds Pro", "Powerbank 20000mAh", "Smartwatch Fit 3"}},
	{"home", 10, []string{"home", "rumah", "decor", "homey", "dapur"},
		[]string{"Rak Dapur Serbaguna", "Diffuser Aromaterapi", "Sprei Katun Jepang"}},
	{"mom & baby", 6, []string{"mom", "bunda", "mama", "baby"},
		[]string{"Baby Wipes Sensitive", "Botol Susu Anti-Kolik"}},
	{"health", 5, []string{"fit", "sehat", "gym", "run"},
		[]string{"Matras Yoga 8mm", "Whey Protein Coklat 1kg"}},
}

var pitchNotes = []string{
	"Sent via WA", "DM on TikTok", "Wants 2 samples", "Asked about commission tiers",
	"Replied fast last time", "Prefers live selling", "Met at the brand event", "",
}

var creatorNotes = []string{
	"Prefers WhatsApp, replies in the evening.",
	"Manager handles rates: Mbak Yuli.",
	"Does live selling on weekends, good GMV.",
	"Asked not to be pitched food products.",
	"Very responsive, posts within 3 days of receiving a sample.",
	"Only accepts products with BPOM registration.",
	"Wants the brief in Bahasa Indonesia.",
	"Posted late last campaign, follow up early.",
}

// issueTexts are what staff typed when logging a creator's problem, by
// category, often quoting the creator.
var issueTexts = map[string][]string{
	"sample_missing": {
		"Sample not received after 7 days, tracking stuck at the Cakung hub. Creator: \"kak, paketnya belum sampai ya\"",
		"Creator says the sample never arrived; seller shows it delivered. Need proof of delivery.",
		"Resi JNE not updating for 4 days, creator wants to post before payday.",
	},
	"sample_damaged": {
		"Serum bottle arrived broken, creator sent photos.",
		"Wrong shade sent (asked 02 Natural, got 04 Tan).",
	},
	"voucher": {
		"Voucher code shows \"tidak valid\" at checkout.",
		"Creator says the voucher is already used but she never redeemed it.",
		"Voucher applied but free shipping not included, creator charged Rp15.000.",
	},
	"commission": {
		"Commission for October not paid yet, creator asking daily.",
		"Commission rate shows 5% instead of the 15% agreed.",
	},
	"content": {
		"Video taken down for missing #ad label, creator asks what to change.",
		"Seller wants a re-shoot: product not visible in the first 3 seconds.",
	},
	"access": {
		"Creator cannot join the affiliate program: \"akun belum memenuhi syarat\".",
		"Showcase locked after a policy strike, creator cannot add products.",
	},
	"other": {
		"Creator asks for an invoice for the sample for tax purposes.",
		"Creator wants to switch the product to another variant.",
	},
}

// issueCategoryOrder walks issueTexts in a fixed order.
var issueCategoryOrder = []string{"sample_missing", "voucher", "sample_damaged", "commission", "content", "access", "other"}

var resolveTexts = map[string]string{
	"fixed":            "Fixed with the seller, creator confirmed.",
	"resent":           "Seller resent the sample, new tracking sent to the creator.",
	"refunded":         "Seller refunded the shipping, creator OK.",
	"voucher_replaced": "Revoked the old code and issued a new voucher.",
	"paid":             "Finance paid the commission, creator confirmed receipt.",
	"no_action":        "Explained the rule to the creator, nothing to change.",
	"duplicate":        "Same problem already tracked in another issue.",
	"unresponsive":     "Creator stopped replying after three follow-ups.",
	"other":            "Handed over to the seller's own support.",
}
