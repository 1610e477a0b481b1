package server

import (
	"context"

	"github.com/chromedp/chromedp"
)

// The page's accessibility checks, run in the browser by the page tests.
// They implement the key checks of an axe-style audit in plain JavaScript
// (nothing is downloaded at test time), each citing the WCAG 2.1 success
// criterion it checks. Every script returns a list of violations; empty is
// a pass.

// evalJS runs a script for its effect.
func evalJS(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](js)(ctx, t)
		return err
	})
}

// a11yHelpers are shared by the scripts below.
const a11yHelpers = `
const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
	(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
const visible = e => {
	const s = getComputedStyle(e), r = e.getBoundingClientRect();
	return e.getClientRects().length > 0 && s.visibility !== "hidden" && s.display !== "none" && r.width > 1 && r.height > 1;
};
const tabbables = () => Array.from(document.querySelectorAll(
	'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'))
	.filter(visible);
`

// tabOrderJS checks WCAG 2.1 SC 2.4.3 (Focus Order): no positive tabindex
// (which takes an element out of document order), and the tabbable
// elements in document order are in the order they appear on screen: top
// to bottom, left to right within a row.
const tabOrderJS = `(() => {` + a11yHelpers + `
	const out = [], els = tabbables();
	for (const e of els) if (e.tabIndex > 0) out.push(name(e) + " has tabindex " + e.tabIndex);
	for (let i = 1; i < els.length; i++) {
		const a = els[i-1].getBoundingClientRect(), b = els[i].getBoundingClientRect();
		const sameRow = b.top < a.bottom && a.top < b.bottom;
		if (sameRow ? b.left < a.left : b.top < a.top) out.push(name(els[i-1]) + " comes before " + name(els[i]) + " but is after it on screen");
	}
	return out;
})()`

// focusRingJS checks WCAG 2.1 SC 2.4.7 (Focus Visible) for the element
// that has the focus: it shows an outline or a box shadow. It returns the
// element's name when it does not.
const focusRingJS = `(() => {` + a11yHelpers + `
	const e = document.activeElement;
	if (!e || e === document.body) return "";
	const s = getComputedStyle(e);
	const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
	return outline || s.boxShadow !== "none" ? "" : name(e);
})()`

// accessibilityJS audits the page as it is on screen.
const accessibilityJS = `(() => {` + a11yHelpers + `
	const out = [];
	const text = s => (s || "").replace(/\s+/g, " ").trim();
	const accName = e => {
		if (text(e.getAttribute("aria-label"))) return text(e.getAttribute("aria-label"));
		const lb = e.getAttribute("aria-labelledby");
		if (lb) {
			const s = lb.split(/\s+/).map(id => document.getElementById(id)).filter(Boolean).map(x => x.textContent).join(" ");
			if (text(s)) return text(s);
		}
		if (e.labels && e.labels.length) {
			const s = Array.from(e.labels).map(l => l.textContent).join(" ");
			if (text(s)) return text(s);
		}
		if (["BUTTON", "A", "CAPTION"].includes(e.tagName) && text(e.textContent)) return text(e.textContent);
		return text(e.getAttribute("title"));
	};

	// SC 3.1.1 Language of Page; SC 2.4.2 Page Titled.
	if (!document.documentElement.lang) out.push("3.1.1: <html> has no lang attribute");
	if (!text(document.title)) out.push("2.4.2: the page has no title");
	// SC 4.1.1 Parsing: ids are unique.
	const ids = {};
	for (const e of document.querySelectorAll("[id]")) {
		if (ids[e.id]) out.push("4.1.1: duplicate id " + e.id);
		ids[e.id] = true;
	}
	// SC 1.3.1 Info and Relationships, SC 4.1.2 Name, Role, Value: every
	// control has an accessible name.
	for (const e of document.querySelectorAll("input:not([type=hidden]), select, textarea, button, a[href]")) {
		if (!accName(e)) out.push("4.1.2: " + name(e) + " has no accessible name");
	}
	// SC 4.1.2: roles are ARIA roles, ARIA references point at elements,
	// a region has a name.
	const roles = new Set(("alert alertdialog application article banner button cell checkbox columnheader combobox " +
		"complementary contentinfo definition dialog document feed figure form grid gridcell group heading img link list " +
		"listbox listitem log main marquee math menu menubar menuitem menuitemcheckbox menuitemradio navigation none note " +
		"option presentation progressbar radio radiogroup region row rowgroup rowheader scrollbar search searchbox " +
		"separator slider spinbutton status switch tab table tablist tabpanel term textbox timer toolbar tooltip tree " +
		"treegrid treeitem").split(" "));
	for (const e of document.querySelectorAll("[role]")) {
		if (!roles.has(e.getAttribute("role"))) out.push("4.1.2: " + name(e) + " has the unknown role " + e.getAttribute("role"));
		if (e.getAttribute("role") === "region" && !accName(e)) out.push("4.1.2: region " + name(e) + " has no name");
	}
	for (const a of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
		for (const e of document.querySelectorAll("[" + a + "]")) {
			for (const id of e.getAttribute(a).split(/\s+/)) {
				if (!document.getElementById(id)) out.push("4.1.2: " + name(e) + " " + a + " names the missing id " + id);
			}
		}
	}
	// SC 1.3.1: the page has a main landmark and a first-level heading;
	// data tables have a caption and header cells with a scope.
	if (!document.querySelector("main, [role=main]")) out.push("1.3.1: no main landmark");
	if (!document.querySelector("h1")) out.push("1.3.1: no h1 heading");
	for (const tb of document.querySelectorAll("table")) {
		if (!visible(tb)) continue;
		const ths = tb.querySelectorAll("th");
		if (!ths.length) out.push("1.3.1: table " + name(tb) + " has no header cells");
		for (const th of ths) if (!th.getAttribute("scope")) out.push("1.3.1: header cell " + text(th.textContent) + " has no scope");
		if (!(tb.caption && text(tb.caption.textContent)) && !accName(tb)) out.push("1.3.1: table " + name(tb) + " has no caption");
	}
	// SC 1.1.1 Non-text Content.
	for (const i of document.querySelectorAll("img")) if (!i.hasAttribute("alt")) out.push("1.1.1: image without alt");
	// SC 2.1.1 Keyboard: what looks clickable can be reached by keyboard.
	const focusable = 'a[href], button, select, textarea, input, label, [tabindex]:not([tabindex="-1"])';
	for (const e of document.querySelectorAll("body *")) {
		if (visible(e) && getComputedStyle(e).cursor === "pointer" && !e.closest(focusable)) {
			out.push("2.1.1: " + name(e) + " looks clickable but cannot be reached with the keyboard");
		}
	}
	// SC 1.4.3 Contrast (Minimum): text against its background, 4.5:1, or
	// 3:1 for large text (24 px, or 18.66 px bold); inactive controls are
	// exempt. SC 1.4.11 Non-text Contrast: the text box's border, 3:1.
	const parse = c => {
		const m = /rgba?\(([^)]+)\)/.exec(c);
		if (!m) return null;
		const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
		return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
	};
	const blend = (f, b) => ({ r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a), a: 1 });
	const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const background = e => {
		const chain = [];
		for (let x = e; x; x = x.parentElement) chain.unshift(x);
		let bg = { r: 255, g: 255, b: 255, a: 1 };
		for (const x of chain) {
			const s = getComputedStyle(x), c = parse(s.backgroundColor);
			if (s.backgroundImage !== "none") return null; // not computable here
			if (c && c.a > 0) bg = blend(c, bg);
		}
		return bg;
	};
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const e = n.parentElement;
		if (!text(n.nodeValue) || !e || !visible(e) || e.closest("script, style, button:disabled, [aria-disabled=true]")) continue;
		const s = getComputedStyle(e), bg = background(e), fg = parse(s.color);
		if (!bg || !fg) continue;
		const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
		const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5, r = ratio(blend(fg, bg), bg);
		if (r < need) out.push("1.4.3: " + name(e) + " " + JSON.stringify(text(n.nodeValue).slice(0, 24)) + " has contrast " + r.toFixed(2) + ":1, needs " + need + ":1");
	}
	for (const e of document.querySelectorAll("textarea")) {
		const s = getComputedStyle(e), b = parse(s.borderTopColor), bg = background(e.parentElement);
		if (b && bg && ratio(blend(b, bg), bg) < 3) out.push("1.4.11: the border of " + name(e) + " has contrast " + ratio(blend(b, bg), bg).toFixed(2) + ":1, needs 3:1");
	}
	return Array.from(new Set(out));
})()`
