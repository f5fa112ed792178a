#!/usr/bin/env node
/* Runs a search client under Node on a built site and reports what it
 * downloads and what it finds. Used by scripts/bench-search.
 *
 *   node scripts/search-harness.js polydoc|pagefind OUT_DIR LOCALE PLAN.json
 *
 * polydoc: themes/default/static/js/search.js as published in OUT_DIR, run
 * in a fresh VM context per session; <script> loads are served from disk.
 * pagefind: OUT_DIR/pagefind/pagefind.js imported as a fresh module per
 * session, with fetch() served from disk.
 *
 * Every file a session loads counts as one request of its size on disk
 * (no transfer compression: Pagefind's files are already gzipped; gzip
 * sizes of polydoc's are reported beside).
 *
 * PLAN.json: {"sessions": [[query, ...], ...],   bytes/requests: first query
 *                                                of a session, then the rest
 *             "rank": [{"q": query, "url": expected page path, "top": N}],
 *             "recall": [{"q": query, "urls": [page paths]}]}
 * Prints one JSON object.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const zlib = require("zlib");
const { pathToFileURL, fileURLToPath } = require("url");

const [engineName, outDir, locale, planFile] = process.argv.slice(2);
const OUT = path.resolve(outDir);
const plan = JSON.parse(fs.readFileSync(planFile, "utf8"));

function counter() {
  return { bytes: 0, gzip: 0, requests: 0 };
}
function count(c, buf) {
  c.bytes += buf.length;
  c.gzip += zlib.gzipSync(buf).length;
  c.requests += 1;
}
/* A page URL -> its path inside the site: "nl-nl/section-1/article-2/" */
function pagePath(u) {
  u = u.split("#")[0].replace(/^\/+(?=file:)/, "");
  // file:///x, file:/x (Pagefind joins its base path that way), or /x from the site root.
  let p = u.startsWith("file:") ? path.relative(OUT, decodeURIComponent(u.replace(/^file:\/*/, "/"))) : u.replace(/^\//, "");
  p = p.split(path.sep).join("/").replace(/index\.html$/, "");
  if (p && !p.endsWith("/")) p += "/";
  return p;
}

/* ---- polydoc ------------------------------------------------------------ */

function polydocSession() {
  const c = counter();
  const ctx = { console, URL, Intl, Promise, setTimeout, clearTimeout, Math, Array, Object, JSON, RegExp, String, Number };
  ctx.window = ctx;
  ctx.document = {
    currentScript: null,
    readyState: "complete",
    addEventListener() {},
    head: {
      appendChild(el) {
        setImmediate(() => {
          let buf;
          try {
            buf = fs.readFileSync(fileURLToPath(el.src));
          } catch (e) {
            if (el.onerror) el.onerror(e);
            return;
          }
          count(c, buf);
          vm.runInContext(buf.toString("utf8"), ctx, { filename: el.src });
        });
      },
    },
    createElement() {
      return {};
    },
  };
  vm.createContext(ctx);
  const js = fs.readFileSync(path.join(OUT, "_static/js/search.js"));
  count(c, js);
  vm.runInContext(js.toString("utf8"), ctx);
  const base = pathToFileURL(OUT).href + "/";
  const engine = new ctx.PolydocSearchEngine(base + "_search/" + locale + "/", base + locale + "/");
  return {
    c,
    async search(q, limit) {
      const res = await engine.search(q, limit || 10);
      return res.results.map((r) => ({ url: pagePath(r.url), title: r.title, heading: r.heading, snippet: r.snippet }));
    },
    /* Every result's page path, without loading cards (the map comes from disk). */
    async all(q) {
      const res = await engine.search(q, 1, { full: true });
      const paths = polydocPaths();
      return res.ranked.map((id) => locale + "/" + paths[id]);
    },
  };
}

let pdPaths = null;
function polydocPaths() {
  if (pdPaths) return pdPaths;
  pdPaths = {};
  const dir = path.join(OUT, "_search", locale);
  for (const f of fs.readdirSync(dir)) {
    if (!/^t\d+\.js$/.test(f)) continue;
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    const data = JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")")));
    for (const c of data.c) pdPaths[c[0]] = c[2];
  }
  return pdPaths;
}

let pfPaths = {};
function pagefindPath(id) {
  if (!(id in pfPaths)) {
    let buf = zlib.gunzipSync(fs.readFileSync(path.join(OUT, "pagefind", "fragment", id + ".pf_fragment"))).toString("utf8");
    buf = buf.replace(/^pagefind_dcd/, "");
    pfPaths[id] = pagePath(JSON.parse(buf).url);
  }
  return pfPaths[id];
}

/* ---- Pagefind ----------------------------------------------------------- */

let pfSession = 0;
async function pagefindSession() {
  const c = counter();
  globalThis.fetch = async (u) => {
    const file = fileURLToPath(String(u).split("?")[0]);
    const buf = fs.readFileSync(file);
    count(c, buf);
    return new Response(buf, { status: 200 });
  };
  const url = pathToFileURL(path.join(OUT, "pagefind/pagefind.js")).href + "?session=" + ++pfSession;
  const jsBuf = fs.readFileSync(path.join(OUT, "pagefind/pagefind.js"));
  count(c, jsBuf);
  const pf = await import(url);
  await pf.options({ basePath: pathToFileURL(path.join(OUT, "pagefind")).href + "/" });
  await pf.init();
  return {
    c,
    async search(q, limit) {
      const s = await pf.search(q);
      if (!s || !s.results) return [];
      const top = s.results.slice(0, limit || 10);
      const data = await Promise.all(top.map((r) => r.data()));
      return data.map((d) => ({ url: pagePath(d.url), title: d.meta && d.meta.title, heading: "", snippet: d.excerpt }));
    },
    async all(q) {
      const s = await pf.search(q);
      return s && s.results ? s.results.map((r) => pagefindPath(r.id)) : [];
    },
  };
}

async function session() {
  return engineName === "pagefind" ? pagefindSession() : polydocSession();
}

/* ---- runs --------------------------------------------------------------- */

async function main() {
  const out = { engine: engineName, first: [], further: [] };
  for (const queries of plan.sessions || []) {
    // The client's own script counts as part of the first search.
    const s = await session();
    let before = counter();
    for (let i = 0; i < queries.length; i++) {
      await s.search(queries[i], 5);
      const d = { bytes: s.c.bytes - before.bytes, gzip: s.c.gzip - before.gzip, requests: s.c.requests - before.requests };
      (i === 0 ? out.first : out.further).push(d);
      before = { ...s.c };
    }
  }
  // Relevance: one long session (what it downloads does not matter here).
  const s = await session();
  out.rank = [];
  for (const r of plan.rank || []) {
    const res = await s.search(r.q, r.top || 5);
    const at = res.findIndex((x) => x.url === r.url);
    out.rank.push({ kind: r.kind, q: r.q, url: r.url, rank: at < 0 ? null : at + 1, first: res[0] && res[0].url });
  }
  out.recall = [];
  for (const r of plan.recall || []) {
    const got = new Set(await s.all(r.q));
    const found = r.urls.filter((u) => got.has(u)).length;
    out.recall.push({ kind: r.kind, q: r.q, word: r.word, expected: r.urls.length, found, results: got.size });
  }
  if (plan.show) {
    const res = await s.search(plan.show, 3);
    out.show = res;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
