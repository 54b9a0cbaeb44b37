// pocbot playground: a Slack-like client for the fake Slack on this machine.
// No framework, no external assets: everything comes from the server that
// served this page.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k === "html") e.innerHTML = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
};

const state = {
  ws: null,          // the workspace: people, channels, commands, jobs
  user: null,        // acting user ID
  conv: null,        // channel ID, or "app" for the bot's App (Home / Messages)
  appTab: "home",
  thread: null,      // {channel, ts} of the open thread
  screen: null,      // the last /api/screen answer
  dismissed: new Set(),
  local: [],         // client-side notices shown like ephemerals: {channel, text, at}
  modalValues: {},   // view id → {block_id: value} typed so far
  modalDirty: {},    // view id → Set of block ids the user changed
  fileNames: {},     // attached file id → its name
  focusBeforeModal: null,
  lastModalID: null,
};

// ---------- server calls ----------

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  const r = await fetch(path, opts);
  let j;
  try { j = await r.json(); } catch (e) { j = {ok: false, error: "the playground server did not answer (" + r.status + ")"}; }
  return j;
}

async function act(path, body) {
  const j = await api(path, Object.assign({user: state.user}, body));
  if (!j.ok) notice(j.error || "something went wrong");
  return j;
}

function notice(text) {
  const channel = state.conv === "app" ? "D" + state.user : state.conv;
  state.local.push({channel, text, at: state.screen ? state.screen.now : "", idx: state.screen ? convMessages(channel).length : 0});
  render();
}

function toast(text) {
  const t = el("div", {class: "toast", text});
  $("#toasts").append(t);
  setTimeout(() => t.remove(), 6000);
}

let refreshing = false, again = false;
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = true;
  try {
    do {
      again = false;
      const s = await api("/api/screen?user=" + encodeURIComponent(state.user));
      if (s.messages) { state.screen = s; render(); }
    } while (again);
  } finally { refreshing = false; }
}

// ---------- people, channels, mrkdwn ----------

const person = id => state.ws.people.find(p => p.id === id);
const channel = id => state.ws.channels.find(c => c.id === id);
const displayName = id => {
  if (id === state.ws.bot.id) return state.ws.bot.name;
  const p = person(id);
  return p ? p.real_name || p.name : id;
};

const EMOJI = {
  white_check_mark: "✅", warning: "⚠️", red_circle: "🔴", palm_tree: "🌴", x: "❌", ticket: "🎫",
  hourglass: "⌛", tada: "🎉", small_orange_diamond: "🔸", memo: "📝", gear: "⚙️", double_vertical_bar: "⏸️",
  stopwatch: "⏱️", rotating_light: "🚨", pencil2: "✏️", page_facing_up: "📄", no_entry: "⛔", no_bell: "🔕", wastebasket: "🗑️",
  moneybag: "💰", mega: "📣", lock: "🔒", unlock: "🔓", raising_hand: "🙋", leftwards_arrow_with_hook: "↩️", large_orange_circle: "🟠",
  large_green_circle: "🟢", hourglass_flowing_sand: "⏳", handshake: "🤝", clipboard: "📋",
  checkered_flag: "🏁", chart_with_upwards_trend: "📈", bell: "🔔", alarm_clock: "⏰",
  fire: "🔥", star: "⭐", sparkles: "✨", eyes: "👀", wave: "👋", thumbsup: "👍", "+1": "👍", "-1": "👎",
  heavy_check_mark: "✔️", bulb: "💡", calendar: "📅", date: "📅", package: "📦", mailbox: "📫",
  inbox_tray: "📥", outbox_tray: "📤", bar_chart: "📊", trophy: "🏆", muscle: "💪", rocket: "🚀",
  information_source: "ℹ️", question: "❓", exclamation: "❗", sunrise: "🌅", sun_with_face: "🌞",
  clock9: "🕘", link: "🔗", pushpin: "📌", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
  yellow_circle: "🟡", green_circle: "🟢", white_circle: "⚪", black_circle: "⚫", large_blue_circle: "🔵",
  arrow_right: "➡️", arrows_counterclockwise: "🔄", heavy_plus_sign: "➕", heavy_minus_sign: "➖",
  money_with_wings: "💸", credit_card: "💳", gift: "🎁", email: "📧", phone: "📞", speech_balloon: "💬",
  zzz: "💤", hammer_and_wrench: "🛠️", mag: "🔍", new: "🆕", repeat: "🔁", ok: "🆗", sos: "🆘",
  no_entry_sign: "🚫", shopping_trolley: "🛒", shopping_cart: "🛒", shopping_bags: "🛍️", truck: "🚚",
  delivery_truck: "🚚", articulated_lorry: "🚛", camera: "📷", camera_with_flash: "📸", movie_camera: "🎥",
  video_camera: "📹", film_frames: "🎞️", clapper: "🎬", iphone: "📱", tv: "📺", receipt: "🧾",
  envelope: "✉️", incoming_envelope: "📨", label: "🏷️", bookmark: "🔖", scroll: "📜", notebook: "📓",
  books: "📚", card_index: "📇", file_folder: "📁", open_file_folder: "📂", spiral_calendar_pad: "🗓️",
  hourglass_done: "⌛", watch: "⌚", timer_clock: "⏲️", dart: "🎯", medal: "🏅", first_place_medal: "🥇",
  sports_medal: "🏅", crown: "👑", gem: "💎", dollar: "💵", chart_with_downwards_trend: "📉",
  heavy_dollar_sign: "💲", arrow_up: "⬆️", arrow_down: "⬇️", arrow_left: "⬅️", arrow_forward: "▶️",
  arrow_up_small: "🔼", arrow_down_small: "🔽", small_red_triangle: "🔺", small_red_triangle_down: "🔻",
  small_blue_diamond: "🔹", large_orange_diamond: "🔶", large_blue_diamond: "🔷",
  white_large_square: "⬜", black_large_square: "⬛", heavy_multiplication_x: "✖️",
  negative_squared_cross_mark: "❎", ballot_box_with_check: "☑️", grey_question: "❔", grey_exclamation: "❕",
  bangbang: "‼️", heart: "❤️", broken_heart: "💔", sparkling_heart: "💖", pray: "🙏", clap: "👏",
  raised_hands: "🙌", ok_hand: "👌", point_right: "👉", point_left: "👈", point_up: "☝️", point_down: "👇",
  thinking_face: "🤔", smile: "😄", smiley: "😃", slightly_smiling_face: "🙂",
  grinning: "😀", joy: "😂", sweat_smile: "😅", wink: "😉", sunglasses: "😎", partying_face: "🥳",
  cry: "😢", sob: "😭", scream: "😱", confused: "😕", neutral_face: "😐", face_with_monocle: "🧐",
  ghost: "👻", robot_face: "🤖", lipstick: "💄", dress: "👗", womans_clothes: "👚", shirt: "👕",
  high_heel: "👠", handbag: "👜", ring: "💍", nail_care: "💅", baby: "👶", baby_bottle: "🍼",
  hamburger: "🍔", pizza: "🍕", coffee: "☕", ramen: "🍜", rice: "🍚", cake: "🍰", house: "🏠",
  house_with_garden: "🏡", office: "🏢", hospital: "🏥", pill: "💊", syringe: "💉", herb: "🌿",
  seedling: "🌱", sunny: "☀️", cloud: "☁️", umbrella: "☂️", zap: "⚡", snowflake: "❄️", rainbow: "🌈",
  earth_asia: "🌏", airplane: "✈️", stop_sign: "🛑", construction: "🚧",
  unlock: "🔓", key: "🔑", shield: "🛡️", wrench: "🔧", hammer: "🔨", nut_and_bolt: "🔩", magnet: "🧲",
  battery: "🔋", electric_plug: "🔌", mag_right: "🔎", boom: "💥",
  hundred: "💯", "100": "💯", loudspeaker: "📢", bellhop_bell: "🛎️",
  calling: "📲", satellite: "📡", pencil: "📝", black_nib: "✒️",
  paperclip: "📎", round_pushpin: "📍", triangular_flag_on_post: "🚩", white_flag: "🏳️",
  waving_white_flag: "🏳️", flag_id: "🇮🇩", recycle: "♻️", infinity: "♾️", one: "1️⃣", two: "2️⃣", three: "3️⃣",
};

function decodeEntities(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function escapeHTML(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ? `<span class="emoji" role="img" aria-label="${name}">${EMOJI[name]}</span>` : m);
}
function safeHref(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

// angleToken renders one <…> reference as HTML.
function angleToken(body) {
  const [ref, label] = splitOnce(body, "|");
  if (ref.startsWith("@")) {
    const id = ref.slice(1);
    const name = label || (person(id) ? person(id).name : id === state.ws.bot.id ? state.ws.bot.name : id);
    const p = person(id);
    return `<span class="mention" title="${escapeHTML(p ? p.real_name : id)}">@${escapeHTML(p ? p.name : name)}</span>`;
  }
  if (ref.startsWith("#")) {
    const c = channel(ref.slice(1));
    return `<span class="mention">#${escapeHTML(c ? c.name : label || ref.slice(1))}</span>`;
  }
  if (ref.startsWith("!")) {
    const word = ref.slice(1);
    if (word.startsWith("date^")) return escapeHTML(label || word);
    if (word.startsWith("subteam^")) return `<span class="mention">@${escapeHTML(label || "group")}</span>`;
    return `<span class="mention broadcast">@${escapeHTML(label || word)}</span>`;
  }
  const text = escapeHTML(decodeEntities(label || ref));
  // A permalink into this workspace opens the message here.
  const perma = decodeEntities(ref).match(/^https:\/\/[a-z0-9-]+\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/);
  if (perma) return `<a href="#" class="permalink" data-channel="${perma[1]}" data-ts="${perma[2]}.${perma[3]}">${text}</a>`;
  const href = safeHref(decodeEntities(ref));
  return href ? `<a href="${escapeHTML(href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

// inline renders one line of mrkdwn (no code blocks) as HTML.
function inline(text) {
  const slots = [];
  const hold = html => "\u0000" + (slots.push(html) - 1) + "\u0000";
  let s = text.replace(/`([^`\n]+)`/g, (m, code) => hold(`<code>${escapeHTML(decodeEntities(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (m, body) => hold(angleToken(body)));
  s = escapeHTML(decodeEntities(s));
  const edge = "(^|[\\s(\\[{\"'“‘\\u0000]|[.,;:!?])";
  const tail = "(?=$|[\\s)\\]}\"'”’.,;:!?\\u0000])";
  s = s.replace(new RegExp(edge + "\\*(?![\\s*])([^*\\n]*?[^\\s*])\\*" + tail, "g"), "$1<strong>$2</strong>");
  s = s.replace(new RegExp(edge + "_(?![\\s_])([^_\\n]*?[^\\s_])_" + tail, "g"), "$1<em>$2</em>");
  s = s.replace(new RegExp(edge + "~(?![\\s~])([^~\\n]*?[^\\s~])~" + tail, "g"), "$1<del>$2</del>");
  s = emojify(s);
  return s.replace(/\u0000(\d+)\u0000/g, (m, i) => slots[+i]);
}

// mrkdwn renders Slack mrkdwn as HTML: code blocks, quotes, then inline.
function mrkdwn(text) {
  if (!text) return "";
  const parts = text.split("```");
  let out = "";
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) {
      const body = part.replace(/^\n/, "").replace(/<([^<>\n]+)>/g, (m, b) => "\u0001" + b + "\u0002");
      out += `<pre class="code-block">${escapeHTML(decodeEntities(body)).replace(/\u0001([^\u0002]*)\u0002/g, (m, b) => angleToken(b))}</pre>`;
      return;
    }
    if (i % 2 === 1) part = "```" + part; // unbalanced fence: literal
    const lines = part.split("\n");
    let quote = [];
    const flush = () => { if (quote.length) { out += `<blockquote>${quote.join("<br>")}</blockquote>`; quote = []; } };
    lines.forEach((line, j) => {
      const q = line.match(/^(&gt;|>)\s?(.*)$/);
      if (q) { quote.push(inline(q[2])); return; }
      flush();
      out += inline(line) + (j < lines.length - 1 ? "<br>" : "");
    });
    flush();
  });
  return out;
}

function textObj(t, cls) {
  if (!t) return el("span");
  const span = el("span", {class: cls || "txt"});
  if (t.type === "mrkdwn") span.innerHTML = mrkdwn(t.text);
  else span.innerHTML = emojify(escapeHTML(t.text || ""));
  return span;
}
const plainText = t => (t && t.text ? t.text.replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] || m) : "");

// ---------- Block Kit ----------

// ctx: {kind: "message"|"modal"|"home", msg, view, values}
function renderBlocks(blocks, ctx) {
  const box = el("div", {class: "blocks"});
  for (const b of blocks || []) {
    const node = renderBlock(b, ctx);
    if (node) box.append(node);
  }
  return box;
}

function renderBlock(b, ctx) {
  switch (b.type) {
    case "header":
      return el("div", {class: "bk-header", role: "heading", "aria-level": "3"}, textObj(b.text));
    case "divider":
      return el("hr", {class: "bk-divider"});
    case "section": {
      const sec = el("div", {class: "bk-section"});
      const body = el("div", {class: "bk-section-body"});
      if (b.text) body.append(el("div", {class: "bk-text"}, textObj(b.text)));
      if (b.fields) body.append(el("div", {class: "bk-fields"}, b.fields.map(f => el("div", {class: "bk-field"}, textObj(f)))));
      sec.append(body);
      if (b.accessory) sec.append(el("div", {class: "bk-accessory"}, renderElement(b.accessory, b, ctx)));
      return sec;
    }
    case "context":
      return el("div", {class: "bk-context"}, (b.elements || []).map(e => e.type === "image" ? image(e, "bk-ctx-img") : textObj(e)));
    case "image":
      return el("figure", {class: "bk-image"}, b.title ? el("figcaption", {}, textObj(b.title)) : null, image(b, "bk-img"));
    case "actions":
      return el("div", {class: "bk-actions"}, (b.elements || []).map(e => renderElement(e, b, ctx)));
    case "input":
      return renderInput(b, ctx);
    case "rich_text":
      return el("div", {class: "bk-text", text: richPlain(b)});
    default:
      return el("div", {class: "bk-unknown", text: `[${b.type} block]`});
  }
}

function richPlain(b) {
  let out = "";
  const walk = n => { if (!n) return; if (n.text) out += n.text; if (n.type === "user") out += "@" + (person(n.user_id) || {name: n.user_id}).name; (n.elements || []).forEach(walk); };
  walk(b);
  return out;
}

// image shows local images only: the page never loads from elsewhere.
function image(e, cls) {
  const url = e.image_url || "";
  const local = url.startsWith("data:") || url.startsWith("/");
  if (local) return el("img", {class: cls, src: url, alt: e.alt_text || ""});
  return el("span", {class: cls + " img-placeholder", role: "img", "aria-label": e.alt_text || "image", title: url}, "🖼 " + (e.alt_text || "image"));
}

function options(e) {
  const out = [];
  (e.options || []).forEach(o => out.push(o));
  (e.option_groups || []).forEach(g => (g.options || []).forEach(o => out.push(o)));
  return out;
}

function optionNodes(e, selected) {
  const sel = new Set(selected || []);
  const opt = o => el("option", {value: o.value, selected: sel.has(o.value)}, plainText(o.text));
  if (e.option_groups) return e.option_groups.map(g => el("optgroup", {label: plainText(g.label)}, (g.options || []).map(opt)));
  return (e.options || []).map(opt);
}

function peopleOptions(selected) {
  const sel = new Set(selected || []);
  return state.ws.people.map(p => el("option", {value: p.id, selected: sel.has(p.id)}, `${p.real_name} (@${p.name})`));
}
function channelOptions(selected) {
  const sel = new Set(selected || []);
  return state.ws.channels.map(c => el("option", {value: c.id, selected: sel.has(c.id)}, "#" + c.name));
}

async function fire(e, block, ctx, value) {
  if (e.confirm && !(await confirmDialog(e.confirm))) return;
  const body = {action_id: e.action_id, value: value === undefined ? "" : value};
  if (ctx.kind === "message") Object.assign(body, {channel: ctx.msg.channel, ts: ctx.msg.ts});
  else Object.assign(body, {view_id: ctx.view.id, values: ctx.kind === "modal" ? collectValues(ctx.view) : null});
  await act("/api/click", body);
}

function renderElement(e, block, ctx) {
  const label = plainText(e.placeholder) || plainText(e.text) || e.action_id;
  switch (e.type) {
    case "button": {
      const cls = "bk-btn" + (e.style ? " " + e.style : "");
      if (e.url && !e.value && !e.action_id) return el("a", {class: cls, href: safeHref(e.url), target: "_blank", rel: "noopener noreferrer"}, plainText(e.text));
      const btn = el("button", {class: cls, type: "button", "aria-label": e.accessibility_label || null}, plainText(e.text));
      btn.addEventListener("click", async () => {
        btn.disabled = true;
        try { await fire(e, block, ctx, e.value); } finally { btn.disabled = false; }
      });
      return btn;
    }
    case "static_select": case "external_select": {
      const s = el("select", {class: "bk-select", "aria-label": label},
        el("option", {value: "", disabled: true, selected: !e.initial_option}, plainText(e.placeholder) || "Select…"),
        optionNodes(e, e.initial_option ? [e.initial_option.value] : []));
      s.addEventListener("change", () => fire(e, block, ctx, s.value));
      return s;
    }
    case "users_select": case "conversations_select": case "channels_select": {
      const users = e.type === "users_select";
      const init = e.initial_user || e.initial_conversation || e.initial_channel;
      const s = el("select", {class: "bk-select", "aria-label": label},
        el("option", {value: "", disabled: true, selected: !init}, plainText(e.placeholder) || (users ? "Select a person" : "Select a channel")),
        users ? peopleOptions([init]) : channelOptions([init]));
      s.addEventListener("change", () => fire(e, block, ctx, s.value));
      return s;
    }
    case "multi_static_select": case "multi_users_select": case "multi_conversations_select": case "multi_channels_select": {
      const kids = e.type === "multi_static_select" ? optionNodes(e, (e.initial_options || []).map(o => o.value)) :
        e.type === "multi_users_select" ? peopleOptions(e.initial_users) : channelOptions(e.initial_conversations || e.initial_channels);
      const s = el("select", {class: "bk-select", multiple: true, "aria-label": label}, kids);
      s.addEventListener("change", () => fire(e, block, ctx, [...s.selectedOptions].map(o => o.value).join(",")));
      return s;
    }
    case "overflow":
      return overflowMenu(e, o => fire(e, block, ctx, o.value));
    case "datepicker": {
      const d = el("input", {type: "date", class: "bk-date", value: e.initial_date || "", "aria-label": label || "Pick a date"});
      d.addEventListener("change", () => d.value && fire(e, block, ctx, d.value));
      return d;
    }
    case "timepicker": {
      const d = el("input", {type: "time", class: "bk-date", value: e.initial_time || "", "aria-label": label || "Pick a time"});
      d.addEventListener("change", () => d.value && fire(e, block, ctx, d.value));
      return d;
    }
    case "checkboxes": case "radio_buttons": {
      const multi = e.type === "checkboxes";
      const name = "g" + Math.random().toString(36).slice(2);
      const init = new Set(multi ? (e.initial_options || []).map(o => o.value) : e.initial_option ? [e.initial_option.value] : []);
      const box = el("div", {class: "bk-choices", role: multi ? "group" : "radiogroup", "aria-label": label});
      options(e).forEach(o => {
        const inp = el("input", {type: multi ? "checkbox" : "radio", name, value: o.value, checked: init.has(o.value)});
        inp.addEventListener("change", () => fire(e, block, ctx, multi ? [...box.querySelectorAll("input:checked")].map(i => i.value).join(",") : inp.value));
        box.append(el("label", {class: "bk-choice"}, inp, textObj(o.text)));
      });
      return box;
    }
    case "image":
      return image(e, "bk-acc-img");
    default:
      return el("span", {class: "bk-unknown", text: `[${e.type}]`});
  }
}

function overflowMenu(e, pick, labelText) {
  const wrap = el("div", {class: "menu-wrap"});
  const btn = el("button", {type: "button", class: "bk-overflow", "aria-haspopup": "menu", "aria-expanded": "false", "aria-label": labelText || "More actions"}, "⋯");
  const menu = el("ul", {class: "menu", role: "menu", hidden: true});
  options(e).forEach(o => {
    const item = el("li", {role: "menuitem", tabindex: "-1"}, plainText(o.text));
    item.addEventListener("click", () => { closeMenu(); pick(o); });
    item.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); item.click(); } });
    menu.append(item);
  });
  const closeMenu = () => { menu.hidden = true; btn.setAttribute("aria-expanded", "false"); };
  btn.addEventListener("click", () => {
    const open = menu.hidden;
    document.querySelectorAll(".menu").forEach(m => { m.hidden = true; });
    menu.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
    if (open) { const f = menu.querySelector("li"); if (f) f.focus(); }
  });
  menuKeys(menu, closeMenu, btn);
  wrap.append(btn, menu);
  return wrap;
}

function menuKeys(menu, close, btn) {
  menu.addEventListener("keydown", ev => {
    const items = [...menu.querySelectorAll("li")];
    const i = items.indexOf(document.activeElement);
    if (ev.key === "ArrowDown") { ev.preventDefault(); items[(i + 1) % items.length].focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
    if (ev.key === "Escape") { ev.stopPropagation(); close(); btn.focus(); }
  });
}

document.addEventListener("click", async ev => {
  const link = ev.target.closest("a.permalink");
  if (link) {
    ev.preventDefault();
    const ch = link.dataset.channel, ts = link.dataset.ts;
    if (topModal()) await closeTop(true);
    await go(ch === "D" + state.user ? "app" : ch, ch === "D" + state.user ? "messages" : undefined);
    const target = document.querySelector(`#messages .msg[data-ts="${ts}"]`);
    if (target) { target.scrollIntoView({block: "center"}); target.classList.add("flash"); target.focus(); setTimeout(() => target.classList.remove("flash"), 2000); }
    else toast("That message is not in this channel any more.");
  }
});

function closeSidebar() {
  $("#sidebar").classList.remove("open");
  $("#menu-toggle").setAttribute("aria-expanded", "false");
}

document.addEventListener("click", ev => {
  if ($("#sidebar").classList.contains("open") && !ev.target.closest("#sidebar, #menu-toggle")) closeSidebar();
  if (!ev.target.closest(".menu-wrap")) document.querySelectorAll(".menu").forEach(m => {
    m.hidden = true;
    const b = m.parentElement.querySelector("[aria-expanded]");
    if (b) b.setAttribute("aria-expanded", "false");
  });
});

// ---------- modal inputs ----------

let inputSeq = 0;
function renderInput(b, ctx) {
  const e = b.element || {};
  const id = "in" + (++inputSeq);
  const errID = id + "-err";
  const values = state.modalValues[ctx.view.id] || (state.modalValues[ctx.view.id] = {});
  const err = (ctx.errors || {})[b.block_id];
  const wrap = el("div", {class: "bk-input" + (err ? " has-error" : ""), "data-block": b.block_id, "data-type": e.type, "data-optional": b.optional ? "1" : ""});
  const lab = el("label", {for: id, class: "bk-label"}, plainText(b.label), b.optional ? el("span", {class: "optional"}, " (optional)") : null);
  wrap.append(lab);
  const dirty = state.modalDirty[ctx.view.id] || (state.modalDirty[ctx.view.id] = new Set());
  const keep = v => { values[b.block_id] = v; dirty.add(b.block_id); };
  const had = Object.prototype.hasOwnProperty.call(values, b.block_id);
  const cur = had ? values[b.block_id] : initialValue(e);
  if (!had) values[b.block_id] = cur;
  let control;
  const aria = {id, "aria-describedby": err ? errID : (b.hint ? id + "-hint" : null), "aria-invalid": err ? "true" : null, "aria-required": b.optional ? null : "true"};
  const dispatch = v => {
    if (b.dispatch_action) fire(e, b, ctx, v);
  };
  switch (e.type) {
    case "plain_text_input": case "rich_text_input": {
      const multi = e.multiline || e.type === "rich_text_input";
      control = el(multi ? "textarea" : "input", Object.assign({class: "bk-field-input", placeholder: plainText(e.placeholder) || null, maxlength: e.max_length || null, minlength: e.min_length || null, rows: multi ? 4 : null, type: multi ? null : "text"}, aria));
      control.value = cur;
      control.addEventListener("input", () => keep(control.value));
      if (!multi) control.addEventListener("keydown", ev => { if (ev.key === "Enter") { ev.preventDefault(); if (b.dispatch_action) dispatch(control.value); else submitTop(); } });
      break;
    }
    case "number_input": case "email_text_input": case "url_text_input": {
      const type = {number_input: "number", email_text_input: "email", url_text_input: "url"}[e.type];
      control = el("input", Object.assign({class: "bk-field-input", type, placeholder: plainText(e.placeholder) || null, min: e.min_value, max: e.max_value, step: e.is_decimal_allowed ? "any" : "1"}, aria));
      control.value = cur;
      control.addEventListener("input", () => keep(control.value));
      control.addEventListener("keydown", ev => { if (ev.key === "Enter") { ev.preventDefault(); submitTop(); } });
      break;
    }
    case "static_select": case "external_select": case "users_select": case "conversations_select": case "channels_select": {
      const kids = e.type === "users_select" ? peopleOptions([cur]) : e.type.endsWith("_select") && e.type !== "static_select" && e.type !== "external_select" ? channelOptions([cur]) : optionNodes(e, [cur]);
      control = el("select", Object.assign({class: "bk-field-input"}, aria), el("option", {value: "", selected: !cur}, plainText(e.placeholder) || "Select…"), kids);
      control.addEventListener("change", () => { keep(control.value); dispatch(control.value); });
      break;
    }
    case "multi_static_select": case "multi_users_select": case "multi_conversations_select": case "multi_channels_select": {
      const sel = cur ? cur.split(",") : [];
      const kids = e.type === "multi_static_select" ? optionNodes(e, sel) : e.type === "multi_users_select" ? peopleOptions(sel) : channelOptions(sel);
      control = el("select", Object.assign({class: "bk-field-input", multiple: true, size: Math.min(6, Math.max(3, kids.length))}, aria), kids);
      control.addEventListener("change", () => keep([...control.selectedOptions].map(o => o.value).join(",")));
      break;
    }
    case "datepicker": case "timepicker": {
      control = el("input", Object.assign({class: "bk-field-input", type: e.type === "datepicker" ? "date" : "time"}, aria));
      control.value = cur;
      control.addEventListener("change", () => { keep(control.value); dispatch(control.value); });
      break;
    }
    case "datetimepicker": {
      control = el("input", Object.assign({class: "bk-field-input", type: "datetime-local"}, aria));
      if (cur) control.value = new Date(+cur * 1000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
      control.addEventListener("change", () => keep(control.value ? String(Math.floor(new Date(control.value).getTime() / 1000)) : ""));
      break;
    }
    case "checkboxes": case "radio_buttons": {
      const multi = e.type === "checkboxes";
      const sel = new Set(cur ? cur.split(",") : []);
      control = el("div", Object.assign({class: "bk-choices", role: multi ? "group" : "radiogroup", "aria-labelledby": id + "-l"}, {id}));
      lab.id = id + "-l";
      lab.removeAttribute("for");
      options(e).forEach(o => {
        const inp = el("input", {type: multi ? "checkbox" : "radio", name: id, value: o.value, checked: sel.has(o.value)});
        inp.addEventListener("change", () => keep(multi ? [...control.querySelectorAll("input:checked")].map(i => i.value).join(",") : inp.value));
        control.append(el("label", {class: "bk-choice"}, inp, textObj(o.text), o.description ? el("span", {class: "desc"}, textObj(o.description)) : null));
      });
      break;
    }
    case "file_input": {
      const types = (e.filetypes || []).map(t => "." + t).join(",");
      control = el("input", Object.assign({class: "bk-field-input", type: "file", accept: types || null, multiple: (e.max_files || 1) > 1}, aria));
      const status = el("div", {class: "bk-hint", "aria-live": "polite"});
      if (cur) status.textContent = "Attached: " + (state.fileNames[cur] || cur);
      control.addEventListener("change", async () => {
        const ids = [];
        status.textContent = "Uploading…";
        for (const f of control.files) {
          const buf = new Uint8Array(await f.arrayBuffer());
          let bin = "";
          for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode.apply(null, buf.subarray(i, i + 0x8000));
          const r = await api("/api/attach", {user: state.user, filename: f.name, content: btoa(bin)});
          if (!r.ok) { status.textContent = r.error; keep(""); return; }
          ids.push(r.file_id);
          state.fileNames[r.file_id] = f.name;
        }
        keep(ids.join(","));
        status.textContent = ids.length ? "Attached: " + [...control.files].map(f => f.name).join(", ") : "";
      });
      wrap.append(control, status);
      control = null;
      break;
    }
    default:
      control = el("div", {class: "bk-unknown", id}, `[${e.type} input]`);
      delete values[b.block_id];
  }
  if (control) wrap.append(control);
  if (b.hint) wrap.append(el("div", {class: "bk-hint", id: id + "-hint"}, textObj(b.hint)));
  if (err) wrap.append(el("div", {class: "bk-error", id: errID, role: "alert"}, "⚠ " + err));
  return wrap;
}

function initialValue(e) {
  if (e.initial_value !== undefined) return e.initial_value;
  if (e.initial_option) return e.initial_option.value;
  if (e.initial_options) return e.initial_options.map(o => o.value).join(",");
  if (e.initial_user) return e.initial_user;
  if (e.initial_users) return e.initial_users.join(",");
  if (e.initial_conversation) return e.initial_conversation;
  if (e.initial_conversations) return e.initial_conversations.join(",");
  if (e.initial_channel) return e.initial_channel;
  if (e.initial_channels) return e.initial_channels.join(",");
  if (e.initial_date) return e.initial_date;
  if (e.initial_time) return e.initial_time;
  if (e.initial_date_time) return String(e.initial_date_time);
  return "";
}

function collectValues(view) {
  return Object.assign({}, state.modalValues[view.id] || {});
}

// ---------- modals ----------

function topModal() {
  const m = state.screen && state.screen.modals;
  return m && m.length ? m[m.length - 1] : null;
}

function renderModal() {
  const root = $("#modal-root");
  const top = topModal();
  if (!top) {
    state.modalValues = {};
    state.modalDirty = {};
    root.dataset.key = root.dataset.viewId = root.dataset.hash = "";
    if (root.firstChild) {
      root.replaceChildren();
      if (state.focusBeforeModal && document.contains(state.focusBeforeModal)) state.focusBeforeModal.focus();
      else $("#compose-text").focus();
    }
    state.lastModalID = null;
    return;
  }
  const v = JSON.parse(JSON.stringify(top.view));
  const key = top.id + "|" + v.hash + "|" + JSON.stringify(top.errors || {});
  if (root.dataset.key === key) return;
  const fresh = state.lastModalID !== top.id;
  if (!state.lastModalID) state.focusBeforeModal = document.activeElement;
  // Values of views no longer open go; an updated view (new hash) keeps
  // what the user typed, as Slack does for inputs with the same block_id,
  // and shows the new initial values of the rest.
  const open = new Set(state.screen.modals.map(m => m.id));
  for (const id of Object.keys(state.modalValues)) if (!open.has(id)) { delete state.modalValues[id]; delete state.modalDirty[id]; }
  if (root.dataset.hash && root.dataset.viewId === top.id && root.dataset.hash !== v.hash) {
    const keepSet = state.modalDirty[top.id] || new Set();
    for (const k of Object.keys(state.modalValues[top.id] || {})) if (!keepSet.has(k)) delete state.modalValues[top.id][k];
  }
  const depth = state.screen.modals.length;
  const titleID = "modal-title";
  const errs = top.errors || {};
  const body = renderBlocks(v.blocks, {kind: "modal", view: {id: top.id}, errors: errs});
  const form = el("form", {class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": titleID, novalidate: true},
    el("div", {class: "modal-head"},
      depth > 1 ? el("button", {type: "button", class: "icon-btn", "aria-label": "Back", onclick: () => closeTop(false)}, "←") : null,
      el("h2", {id: titleID}, plainText(v.title)),
      el("button", {type: "button", class: "icon-btn", "aria-label": "Close", onclick: () => closeTop(true)}, "✕")),
    el("div", {class: "modal-body"}, body),
    el("div", {class: "modal-foot"},
      el("button", {type: "button", class: "bk-btn", onclick: () => closeTop(false)}, plainText(v.close) || "Cancel"),
      v.submit ? el("button", {type: "submit", class: "bk-btn primary"}, plainText(v.submit)) : null));
  form.addEventListener("submit", ev => { ev.preventDefault(); submitTop(); });
  form.addEventListener("keydown", trapTab);
  const overlay = el("div", {class: "overlay"}, form);
  root.replaceChildren(overlay);
  root.dataset.key = key;
  root.dataset.viewId = top.id;
  root.dataset.hash = v.hash;
  state.lastModalID = top.id;
  const firstErr = form.querySelector(".has-error .bk-field-input, .has-error input");
  const first = firstErr || form.querySelector(".modal-body input, .modal-body textarea, .modal-body select, .modal-body button") || form.querySelector("button");
  if (fresh || firstErr) first.focus();
}

function trapTab(ev) {
  if (ev.key !== "Tab") return;
  const f = [...ev.currentTarget.querySelectorAll("button, input, select, textarea, a[href]")].filter(x => !x.disabled);
  if (!f.length) return;
  if (ev.shiftKey && document.activeElement === f[0]) { ev.preventDefault(); f[f.length - 1].focus(); }
  else if (!ev.shiftKey && document.activeElement === f[f.length - 1]) { ev.preventDefault(); f[0].focus(); }
}

// submitTop checks what the Slack client checks itself, then submits.
async function submitTop() {
  const top = topModal();
  if (!top) return;
  const form = $("#modal-root form");
  let bad = null;
  form.querySelectorAll(".bk-error.client").forEach(x => x.remove());
  const values = collectValues(top);
  form.querySelectorAll(".bk-input").forEach(w => {
    const block = w.dataset.block;
    const v = (values[block] || "").trim();
    let msg = "";
    const input = w.querySelector(".bk-field-input");
    if (!w.dataset.optional && !v && values[block] !== undefined) msg = "Please complete this required field.";
    else if (input && input.validity && !input.validity.valid && v) msg = input.validationMessage || "Please check this field.";
    if (msg) {
      w.classList.add("has-error");
      w.append(el("div", {class: "bk-error client", role: "alert"}, "⚠ " + msg));
      bad = bad || input || w;
    }
  });
  if (bad) { bad.focus && bad.focus(); return; }
  const btn = form.querySelector("button[type=submit]");
  if (btn) btn.disabled = true;
  await act("/api/submit", {view_id: top.id, values});
  if (btn) btn.disabled = false;
  await refresh();
}

async function closeTop(all) {
  const top = topModal();
  if (!top) return;
  await act("/api/close", {view_id: top.id, all});
  await refresh();
}

function confirmDialog(c) {
  return new Promise(resolve => {
    const root = el("div", {class: "overlay confirm"});
    const done = ok => { root.remove(); resolve(ok); };
    const form = el("div", {class: "modal small", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-title"},
      el("div", {class: "modal-head"}, el("h2", {id: "confirm-title"}, plainText(c.title) || "Are you sure?")),
      el("div", {class: "modal-body"}, textObj(c.text)),
      el("div", {class: "modal-foot"},
        el("button", {type: "button", class: "bk-btn", onclick: () => done(false)}, plainText(c.deny) || "Cancel"),
        el("button", {type: "button", class: "bk-btn " + (c.style || "primary"), onclick: () => done(true)}, plainText(c.confirm) || "Yes")));
    form.addEventListener("keydown", ev => { if (ev.key === "Escape") { ev.stopPropagation(); done(false); } trapTab(ev); });
    root.append(form);
    document.body.append(root);
    form.querySelector(".modal-foot button:last-child").focus();
  });
}

// ---------- messages ----------

function timeLabel(iso) {
  if (!iso || iso.startsWith("0001")) return "";
  const d = new Date(iso);
  return d.toLocaleString("en-GB", {timeZone: state.ws.tz, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
}

function renderMessage(m, inThread) {
  const isUser = m.kind === "user";
  const author = isUser ? displayName(m.user) : state.ws.bot.name;
  const node = el("article", {class: "msg" + (m.ephemeral ? " ephemeral" : ""), "data-ts": m.ts, tabindex: "-1", "aria-label": `${author}${m.ephemeral ? " (only visible to you)" : ""}`});
  const head = el("div", {class: "msg-head"},
    el("span", {class: "avatar", "aria-hidden": "true"}, isUser ? (person(m.user) || {name: "?"}).name[0].toUpperCase() : "🤖"),
    el("strong", {class: "author"}, author),
    isUser ? null : el("span", {class: "app-tag"}, "APP"),
    el("time", {class: "time"}, timeLabel(m.at)),
    m.edited ? el("span", {class: "edited"}, "(edited)") : null);
  node.append(head);
  if (m.ephemeral) node.append(el("div", {class: "only-you"}, "👁 Only visible to you"));
  const content = el("div", {class: "msg-body"});
  let blocks = null;
  try { blocks = m.blocks ? JSON.parse(JSON.stringify(m.blocks)) : null; } catch (e) { blocks = null; }
  if (blocks && blocks.length) content.append(renderBlocks(blocks, {kind: "message", msg: m}));
  else content.append(el("div", {class: "bk-text", html: mrkdwn(m.text)}));
  if (m.attachments && m.attachments.length) m.attachments.forEach(a => content.append(el("div", {class: "attachment", style: null}, a.blocks ? renderBlocks(a.blocks, {kind: "message", msg: m}) : el("div", {html: mrkdwn(a.text || a.fallback || "")}))));
  node.append(content);
  // Message actions: shortcut menu, reply in thread, dismiss.
  const tools = el("div", {class: "msg-tools"});
  if (m.ephemeral) tools.append(el("button", {type: "button", class: "link-btn", onclick: () => { state.dismissed.add(m.channel + m.ts); render(); }}, "Dismiss"));
  if (!inThread && !m.ephemeral) {
    const replies = state.screen.messages.filter(r => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts);
    tools.append(el("button", {type: "button", class: "link-btn", onclick: () => openThread(m)}, replies.length ? `${replies.length} ${replies.length === 1 ? "reply" : "replies"}` : "Reply in thread"));
  }
  if (!m.ephemeral) {
    const shortcuts = {options: state.ws.shortcuts.map(s => ({text: {type: "plain_text", text: s.name}, value: s.callback_id}))};
    tools.append(overflowMenu(shortcuts, o => act("/api/shortcut", {channel: m.channel, ts: m.ts, callback_id: o.value}), "Message actions"));
  }
  node.append(tools);
  return node;
}

// sameUpload reports whether f was shared in one files.completeUploadExternal
// with the file before it (the weekly report's three charts): Slack shows
// them as one message, the comment once.
function sameUpload(f) {
  const fs = state.screen.files, i = fs.indexOf(f);
  const p = i > 0 ? fs[i - 1] : null;
  return !!p && p.channel === f.channel && p.thread_ts === f.thread_ts && p.at === f.at && p.initial_comment === f.initial_comment;
}

function renderFile(f) {
  const image = /\.(png|jpe?g|gif|webp)$/i.test(f.filename);
  const more = sameUpload(f);
  const link = el("a", {class: "file", href: f.url, download: f.filename}, el("span", {"aria-hidden": "true"}, image ? "🖼 " : "📄 "), f.title, el("span", {class: "size"}, ` ${f.size} bytes · download`));
  return el("article", {class: "msg file-msg" + (more ? " same-upload" : ""), "aria-label": "File " + f.title},
    more ? null : el("div", {class: "msg-head"}, el("span", {class: "avatar", "aria-hidden": "true"}, "🤖"), el("strong", {class: "author"}, state.ws.bot.name), el("span", {class: "app-tag"}, "APP"), el("time", {class: "time"}, timeLabel(f.at))),
    f.initial_comment && !more ? el("div", {class: "bk-text", html: mrkdwn(f.initial_comment)}) : null,
    image ? el("img", {class: "file-image", src: f.url, alt: f.alt_text || f.title, loading: "lazy"}) : null,
    link);
}

function convMessages(ch) {
  const s = state.screen;
  return s.messages.filter(m => m.channel === ch && (!m.thread_ts || m.thread_ts === m.ts) && !state.dismissed.has(m.channel + m.ts));
}

// focusKey names the focused control inside box by its message and
// position, so a re-render can give focus back.
function focusKey(box) {
  const a = document.activeElement;
  if (!a || !box.contains(a)) return null;
  const msg = a.closest(".msg");
  if (!msg) return null;
  return {ts: msg.dataset.ts, i: [...msg.querySelectorAll("button, select, input, a[href]")].indexOf(a)};
}
function restoreFocus(box, k) {
  if (!k) return;
  const msg = box.querySelector(`.msg[data-ts="${k.ts}"]`);
  const f = msg && msg.querySelectorAll("button, select, input, a[href]")[k.i];
  if (f) f.focus();
}

function renderConversation() {
  const ch = state.conv === "app" ? "D" + state.user : state.conv;
  const box = $("#messages");
  const sig = JSON.stringify([ch, state.user, convMessages(ch), state.screen.messages.filter(m => m.channel === ch && m.thread_ts && m.thread_ts !== m.ts).length,
    state.screen.files.filter(f => f.channel === ch), state.local.filter(n => n.channel === ch)]);
  if (box.dataset.sig === sig) return; // nothing changed here: keep open selects and focus
  box.dataset.sig = sig;
  const fk = focusKey(box);
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const msgs = convMessages(ch);
  const files = state.screen.files.filter(f => f.channel === ch && !f.thread_ts);
  const locals = state.local.filter(n => n.channel === ch);
  const localNode = n => el("article", {class: "msg ephemeral local"},
    el("div", {class: "msg-head"}, el("span", {class: "avatar", "aria-hidden": "true"}, "⚙"), el("strong", {class: "author"}, "Slackbot"), el("time", {class: "time"}, timeLabel(n.at))),
    el("div", {class: "only-you"}, "👁 Only visible to you"), el("div", {class: "bk-text"}, n.text));
  // The items in order, each with a key and a signature of its content.
  const items = [];
  let shown = 0, all = 0;
  const place = () => {
    files.filter(f => f.index === shown).forEach(f => items.push({key: "f" + f.id, sig: JSON.stringify(f), make: () => renderFile(f)}));
    locals.filter(n => n.idx === all).forEach(n => items.push({key: "l" + state.local.indexOf(n), sig: n.text, make: () => localNode(n)}));
  };
  place();
  for (const m of msgs) {
    const replies = state.screen.messages.filter(r => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts).length;
    items.push({key: "m" + m.ts, sig: JSON.stringify([m, replies]), make: () => renderMessage(m, false)});
    all++;
    if (!m.ephemeral) shown++;
    place();
  }
  files.filter(f => f.index > shown).forEach(f => items.push({key: "f" + f.id, sig: JSON.stringify(f), make: () => renderFile(f)}));
  locals.filter(n => n.idx > all).forEach(n => items.push({key: "l" + state.local.indexOf(n), sig: n.text, make: () => localNode(n)}));
  if (!items.length) items.push({key: "empty", sig: state.conv, make: emptyState});
  const node = it => { const n = it.make(); n.dataset.key = it.key; n.dataset.sig = it.sig; return n; };
  if (box.dataset.conv !== ch + state.user) {
    box.replaceChildren(...items.map(node));
  } else {
    // Keep the nodes that did not change, so a screen reader hears only
    // what is new and an edit replaces just its message.
    const want = new Set(items.map(it => it.key));
    let cur = box.firstElementChild;
    for (const it of items) {
      while (cur && !want.has(cur.dataset.key)) { const next = cur.nextElementSibling; cur.remove(); cur = next; }
      if (cur && cur.dataset.key === it.key) {
        if (cur.dataset.sig !== it.sig) { const n = node(it); cur.replaceWith(n); cur = n; }
        cur = cur.nextElementSibling;
      } else {
        box.insertBefore(node(it), cur);
      }
    }
    while (cur) { const next = cur.nextElementSibling; cur.remove(); cur = next; }
  }
  if (atBottom || box.dataset.conv !== ch + state.user) box.scrollTop = box.scrollHeight;
  box.dataset.conv = ch + state.user;
  restoreFocus(box, fk);
}

// emptyState welcomes a newcomer with commands to try.
function emptyState() {
  const tries = ["/pitch help", "/issue list", "/creator find beauty", "/voucher budget", "/task load", "/target"];
  const box = el("div", {class: "empty"},
    el("p", {}, state.conv === "app" ? "This is your DM with pocbot: what it sends you personally lands here." : "No messages yet. Slash commands typed here run in this channel, as in Slack."),
    el("p", {}, "Try one (it goes into the message box; press Enter):"));
  const list = el("div", {class: "tries"});
  tries.forEach(t => list.append(el("button", {type: "button", class: "bk-btn", onclick: () => {
    const ta = $("#compose-text"); ta.value = t; ta.focus(); updateHint();
  }}, t)));
  box.append(list, el("p", {}, "Switch person at the top right; the lead (an admin) sets targets. Run now and +1 day make the scheduled jobs happen."));
  return box;
}

function renderThread() {
  const pane = $("#thread");
  if (!state.thread) { pane.hidden = true; return; }
  pane.hidden = false;
  const {channel: ch, ts} = state.thread;
  const all = state.screen.messages.filter(m => m.channel === ch && (m.ts === ts || m.thread_ts === ts));
  const files = state.screen.files.filter(f => f.channel === ch && f.thread_ts === ts);
  const box = $("#thread-messages");
  const sig = JSON.stringify([all, files]);
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  const fk = focusKey(box);
  box.replaceChildren(...all.map(m => renderMessage(m, true)), ...files.map(renderFile));
  if (!all.length) box.append(el("p", {class: "empty"}, "That message is gone."));
  restoreFocus(box, fk);
}

function openThread(m) {
  state.thread = {channel: m.channel, ts: m.ts};
  render();
  $("#thread-text").focus();
}

function renderHome() {
  const box = $("#home");
  const h = state.screen.home;
  if (!h) { box.replaceChildren(el("p", {class: "empty"}, "Opening the Home tab…")); return; }
  const v = JSON.parse(JSON.stringify(h.view));
  const key = h.id + v.hash;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(renderBlocks(v.blocks, {kind: "home", view: {id: h.id}}));
}

// ---------- sidebar, header ----------

function renderSidebar() {
  const list = $("#channel-list");
  list.replaceChildren(...state.ws.channels.map(c => {
    const unread = state.screen.messages.filter(m => m.channel === c.id).length;
    return el("li", {}, el("button", {type: "button", class: "side-item" + (state.conv === c.id ? " active" : ""), "aria-current": state.conv === c.id ? "page" : null, onclick: () => go(c.id)},
      "# " + c.name, unread ? el("span", {class: "count", "aria-label": unread + " messages"}, String(unread)) : null));
  }));
  const dm = state.screen.messages.filter(m => m.channel === "D" + state.user).length + state.screen.files.filter(f => f.channel === "D" + state.user).length;
  $("#app-list").replaceChildren(el("li", {}, el("button", {type: "button", class: "side-item" + (state.conv === "app" ? " active" : ""), "aria-current": state.conv === "app" ? "page" : null, onclick: () => go("app")},
    "🤖 " + state.ws.bot.name, dm ? el("span", {class: "count", "aria-label": dm + " messages"}, String(dm)) : null)));
}

function renderHeader() {
  $("#clock").textContent = "🕘 " + timeLabel(state.screen.now);
  const tabs = $("#conv-tabs");
  if (state.conv === "app") {
    $("#conv-title").textContent = state.ws.bot.name;
    $("#conv-purpose").textContent = "";
    tabs.hidden = false;
    $("#tab-home").setAttribute("aria-selected", String(state.appTab === "home"));
    $("#tab-messages").setAttribute("aria-selected", String(state.appTab === "messages"));
  } else {
    const c = channel(state.conv);
    $("#conv-title").textContent = "# " + c.name;
    $("#conv-purpose").textContent = {digest: "The daily digest lands here", triage: "Creator issues are triaged here", sales: "Team chat: run any command here"}[c.purpose] || "";
    tabs.hidden = true;
  }
  const home = state.conv === "app" && state.appTab === "home";
  $("#home").hidden = !home;
  $("#messages").hidden = home;
  const name = state.conv === "app" ? state.ws.bot.name : "#" + channel(state.conv).name;
  $("#compose-text").setAttribute("aria-label", "Message " + name);
  $("#compose-text").placeholder = "Message " + name + " — try /pitch help; @ for people, # for channels";
}

function render() {
  if (!state.screen) return;
  renderSidebar();
  renderHeader();
  if (state.conv === "app" && state.appTab === "home") renderHome(); else renderConversation();
  renderThread();
  renderModal();
}

async function go(conv, tab) {
  state.conv = conv;
  if (tab) state.appTab = tab;
  state.thread = null;
  $("#sidebar").classList.remove("open");
  $("#menu-toggle").setAttribute("aria-expanded", "false");
  localStorage.setItem("pg.conv", conv);
  render();
  if (conv === "app" && state.appTab === "home") {
    $("#home").dataset.key = "";
    await act("/api/home", {});
  }
}

// ---------- composer ----------

// toSlack turns typed text into what Slack sends for a slash command with
// should_escape: & < > escaped, people and channels as <@U…|name> and
// <#C…|name>, links in <…>.
function toSlack(text) {
  let s = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  s = s.replace(/(^|[\s(])@([a-z0-9._-]+)/gi, (m, pre, name) => {
    const p = state.ws.people.find(p => p.name.toLowerCase() === name.toLowerCase().replace(/[.,]+$/, ""));
    if (!p) return m;
    const rest = name.slice(p.name.length);
    return `${pre}<@${p.id}|${p.name}>${rest}`;
  });
  s = s.replace(/(^|[\s(])#([a-z0-9._-]+)/gi, (m, pre, name) => {
    const c = state.ws.channels.find(c => c.name === name.toLowerCase());
    return c ? `${pre}<#${c.id}|${c.name}>` : m;
  });
  s = s.replace(/(^|\s)(https?:\/\/[^\s<>]+)/g, (m, pre, url) => `${pre}<${url}>`);
  return s;
}

async function send(text, threadTS) {
  text = text.trim();
  if (!text) return;
  const ch = state.conv === "app" ? "D" + state.user : state.conv;
  if (text.startsWith("/")) {
    const cmd = text.split(/\s+/)[0];
    const args = text.slice(cmd.length).trim();
    await act("/api/command", {channel: ch, command: cmd.toLowerCase(), text: toSlack(args)});
  } else {
    await act("/api/message", {channel: ch, text: toSlack(text), thread_ts: threadTS || ""});
  }
}

const suggest = {items: [], index: 0, start: 0, kind: ""};

function updateSuggest() {
  const ta = $("#compose-text");
  const box = $("#suggest");
  const before = ta.value.slice(0, ta.selectionStart);
  let m, items = [];
  if ((m = before.match(/^\/([a-z]*)$/i))) {
    suggest.kind = "/"; suggest.start = 0;
    items = state.ws.commands.filter(c => c.command.slice(1).startsWith(m[1].toLowerCase())).map(c => ({label: c.command, detail: c.usage_hint + " — " + c.description, insert: c.command + " "}));
  } else if ((m = before.match(/(^|[\s(])@([a-z0-9._-]*)$/i))) {
    suggest.kind = "@"; suggest.start = before.length - m[2].length - 1;
    const q = m[2].toLowerCase();
    items = state.ws.people.filter(p => p.name.toLowerCase().startsWith(q) || p.real_name.toLowerCase().split(/\s+/).some(w => w.startsWith(q)))
      .map(p => ({label: "@" + p.name, detail: `${p.real_name} · ${p.role}${p.admin ? " · admin" : ""}`, insert: "@" + p.name + " "}));
  } else if ((m = before.match(/(^|[\s(])#([a-z0-9._-]*)$/i))) {
    suggest.kind = "#"; suggest.start = before.length - m[2].length - 1;
    items = state.ws.channels.filter(c => c.name.startsWith(m[2].toLowerCase())).map(c => ({label: "#" + c.name, detail: c.purpose, insert: "#" + c.name + " "}));
  }
  suggest.items = items.slice(0, 8);
  suggest.index = 0;
  if (!suggest.items.length) { box.hidden = true; ta.removeAttribute("aria-activedescendant"); updateHint(); return; }
  box.hidden = false;
  box.replaceChildren(...suggest.items.map((it, i) => el("div", {id: "sg" + i, role: "option", class: "sg-item", "aria-selected": String(i === suggest.index),
    onmousedown: ev => { ev.preventDefault(); pickSuggest(i); }}, el("strong", {}, it.label), " ", el("span", {class: "detail"}, it.detail))));
  ta.setAttribute("aria-activedescendant", "sg0");
  updateHint();
}

function pickSuggest(i) {
  const ta = $("#compose-text");
  const it = suggest.items[i];
  const pos = ta.selectionStart;
  ta.value = ta.value.slice(0, suggest.start) + it.insert + ta.value.slice(pos);
  const at = suggest.start + it.insert.length;
  ta.setSelectionRange(at, at);
  $("#suggest").hidden = true;
  suggest.items = [];
  ta.focus();
  updateHint();
}

function moveSuggest(d) {
  suggest.index = (suggest.index + d + suggest.items.length) % suggest.items.length;
  document.querySelectorAll(".sg-item").forEach((n, i) => n.setAttribute("aria-selected", String(i === suggest.index)));
  $("#compose-text").setAttribute("aria-activedescendant", "sg" + suggest.index);
}

function updateHint() {
  const ta = $("#compose-text");
  const v = ta.value.trim();
  const hint = $("#compose-hint");
  if (!v.startsWith("/")) { hint.textContent = v ? "Enter posts a message (the bot does not read messages; use a slash command)." : "Enter sends · Shift+Enter new line · Esc closes a form"; return; }
  const [cmd] = v.split(/\s+/);
  const c = state.ws.commands.find(c => c.command === cmd.toLowerCase());
  const args = v.slice(cmd.length).trim();
  const wire = toSlack(args);
  hint.textContent = c ? `${c.command} ${c.usage_hint}` + (wire !== args ? `  ·  Slack sends: ${wire}` : "") : "";
}

function setupComposer() {
  const ta = $("#compose-text");
  ta.addEventListener("input", () => { autoGrow(ta); updateSuggest(); });
  ta.addEventListener("click", updateSuggest);
  ta.addEventListener("keydown", ev => {
    if (!$("#suggest").hidden && suggest.items.length) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); moveSuggest(1); return; }
      if (ev.key === "ArrowUp") { ev.preventDefault(); moveSuggest(-1); return; }
      if (ev.key === "Tab" || (ev.key === "Enter" && !ev.shiftKey && suggest.kind !== "/")) { ev.preventDefault(); pickSuggest(suggest.index); return; }
      if (ev.key === "Enter" && suggest.kind === "/" && !/\s/.test(ta.value.trim()) && suggest.items.length && ta.value.trim() !== suggest.items[suggest.index].label) { ev.preventDefault(); pickSuggest(suggest.index); return; }
      if (ev.key === "Escape") { ev.preventDefault(); $("#suggest").hidden = true; return; }
    }
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("#composer").requestSubmit(); }
  });
  ta.addEventListener("blur", () => setTimeout(() => { $("#suggest").hidden = true; }, 150));
  $("#composer").addEventListener("submit", async ev => {
    ev.preventDefault();
    const text = ta.value;
    if (!text.trim()) return;
    ta.value = ""; autoGrow(ta); updateHint();
    if (state.conv === "app" && state.appTab === "home") go("app", "messages");
    await send(text);
  });
  const tt = $("#thread-text");
  tt.addEventListener("keydown", ev => { if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("#thread-composer").requestSubmit(); } });
  noStrayBreak(ta); // after the handlers above, so it sees their preventDefault
  noStrayBreak(tt);
  $("#thread-composer").addEventListener("submit", async ev => {
    ev.preventDefault();
    const text = tt.value;
    tt.value = "";
    if (text.trim().startsWith("/")) { toast("Slash commands run in the channel, not in a thread: type it in the main box."); tt.value = text; return; }
    await send(text, state.thread.ts);
  });
  $("#thread-close").addEventListener("click", () => { state.thread = null; render(); $("#compose-text").focus(); });
  updateHint();
}

// noStrayBreak: an Enter the page handled (send, pick a suggestion) must
// not also break the line, even where the character arrives as its own
// event after the key (DevTools-driven input does that).
function noStrayBreak(ta) {
  let handled = 0;
  ta.addEventListener("keydown", ev => { if (ev.key === "Enter" && ev.defaultPrevented) handled = Date.now(); });
  ta.addEventListener("beforeinput", ev => {
    const brk = ev.inputType === "insertLineBreak" || ev.inputType === "insertParagraph" || ev.data === "\r" || ev.data === "\n";
    if (brk && Date.now() - handled < 200) ev.preventDefault();
  });
}

function autoGrow(ta) {
  ta.style.height = "auto";
  ta.style.height = Math.min(ta.scrollHeight, 160) + "px";
}

// ---------- top bar ----------

function setupTopbar() {
  const sw = $("#user-switch");
  sw.replaceChildren(...state.ws.people.map(p => el("option", {value: p.id, selected: p.id === state.user}, `${p.real_name} (@${p.name}) · ${p.role}${p.admin ? ", admin" : ""}`)));
  sw.addEventListener("change", async () => {
    state.user = sw.value;
    localStorage.setItem("pg.user", state.user);
    state.local = [];
    state.thread = null;
    $("#home").dataset.key = "";
    await refresh();
    if (state.conv === "app" && state.appTab === "home") await act("/api/home", {});
  });
  const runBtn = $("#run-now"), menu = $("#run-menu");
  const JOB_LABEL = {digest: "Morning digest", followups: "Pitch follow-ups", nudges: "Target nudges", task_reminders: "Task reminders", issue_sla: "Issue SLA check", voucher_expiry: "Voucher expiry", backup: "Database backup"};
  menu.replaceChildren(...state.ws.jobs.map(j => {
    const li = el("li", {role: "menuitem", tabindex: "-1", "data-job": j}, (JOB_LABEL[j] || j) + " ", el("span", {class: "detail"}, j));
    const run = async () => {
      menu.hidden = true; runBtn.setAttribute("aria-expanded", "false");
      toast(`Running ${JOB_LABEL[j] || j}…`);
      const r = await api("/api/run", {job: j});
      toast(!r.ok ? `${j} failed: ${r.error}` : r.posts ? `${JOB_LABEL[j] || j} ran: ${r.posts} message${r.posts === 1 ? "" : "s"} posted or updated.` :
        `${JOB_LABEL[j] || j} ran: nothing new to post (already done for this slot, a day off, or nothing due).`);
      runBtn.focus();
    };
    li.addEventListener("click", run);
    li.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); run(); } });
    return li;
  }));
  runBtn.addEventListener("click", () => {
    const open = menu.hidden;
    menu.hidden = !open;
    runBtn.setAttribute("aria-expanded", String(open));
    if (open) menu.querySelector("li").focus();
  });
  menuKeys(menu, () => { menu.hidden = true; runBtn.setAttribute("aria-expanded", "false"); }, runBtn);
  document.querySelectorAll("[data-advance]").forEach(b => b.addEventListener("click", async () => {
    b.disabled = true;
    const r = await api("/api/clock", {advance: b.dataset.advance});
    b.disabled = false;
    toast(r.ok ? `Clock moved to ${timeLabel(r.now)}; the jobs that fell due ran (${r.posts} message${r.posts === 1 ? "" : "s"} posted or updated).` : r.error);
    refresh();
  }));
  $("#menu-toggle").addEventListener("click", () => {
    const open = !$("#sidebar").classList.contains("open");
    $("#sidebar").classList.toggle("open", open);
    $("#menu-toggle").setAttribute("aria-expanded", String(open));
  });
  document.querySelectorAll("#conv-tabs [data-tab]").forEach(t => t.addEventListener("click", () => go("app", t.dataset.tab)));
}

document.addEventListener("keydown", ev => {
  if (ev.key !== "Escape") return;
  if (document.querySelector(".overlay.confirm")) return;
  if ($("#sidebar").classList.contains("open")) { closeSidebar(); $("#menu-toggle").focus(); return; }
  if (topModal()) { ev.preventDefault(); closeTop(false); return; }
  if (state.thread) { state.thread = null; render(); }
});

// ---------- start ----------

async function start() {
  state.ws = await api("/api/workspace");
  const saved = localStorage.getItem("pg.user");
  const lead = state.ws.people.find(p => p.admin) || state.ws.people[0];
  state.user = state.ws.people.some(p => p.id === saved) ? saved : lead.id;
  const conv = localStorage.getItem("pg.conv");
  state.conv = conv === "app" || state.ws.channels.some(c => c.id === conv) ? conv : (state.ws.channels.find(c => c.purpose === "sales") || state.ws.channels[0]).id;
  setupTopbar();
  setupComposer();
  await refresh();
  const es = new EventSource("/api/events");
  es.addEventListener("change", refresh);
  let lost = false;
  es.onerror = () => { if (!lost) toast("Lost the playground server (stopped?); retrying…"); lost = true; };
  es.onopen = () => { if (lost) { toast("Connected again."); refresh(); } lost = false; };
  if (state.conv === "app" && state.appTab === "home") await act("/api/home", {});
  document.body.dataset.ready = "1";
  $("#compose-text").focus();
}

start();
