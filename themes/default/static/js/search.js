/* polydoc default theme: full-text search, in the browser, with no server.
 *
 * The index of this page's locale lives in `_search/<locale>/` (the script
 * tag's data-index, relative to the page). Every index file is a script
 * that calls polydocSearch(name, data), so parts are loaded with <script>
 * elements: that works on any static host and from file://.
 *
 *   meta.js   page count, shard count, crowded prefixes (constant size)
 *   t<k>.js   terms whose shard key hashes to k, with postings, and the
 *             titles of pages whose title's longest word keys there
 *   w<k>.js   shard k's words alone, for typos in a word's first letters
 *   p<id>.js  one page's result card: title, URL, sections (heading, ID,
 *             excerpt) and their prose deflated, for snippets
 *
 * Queries are analysed like the index (src/search/analyze.rs): words are
 * folded (lower case, NFKD, marks dropped); Chinese/Japanese/Korean runs
 * become bigrams. The index holds stems; a query word matches the longest
 * stem it starts with (the inflection is a suffix), every completion of
 * the word being typed, and, failing those, terms one edit away.
 *
 * A query that is a page's title (or its start, as it is typed) is answered
 * from the shard of its longest word, which carries that page's title; any
 * other query, and the results page, load every word's shard (`full`).
 * Then the cards of the results shown, and only those, are loaded: each
 * result costs its own card, whose prose gives the snippet around the
 * matched words (format: src/search/index.rs, FORMAT 3).
 *
 * Keyboard: "/" focuses the box; arrows move; Enter opens the chosen result.
 */
(function () {
  "use strict";

  var ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DEC = {};
  for (var a = 0; a < 64; a++) DEC[ALPHA.charCodeAt(a)] = a;
  var CJK = /[\u3005\u3006\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u{20000}-\u{2fa1f}]+/gu;
  var CJK_ONE = new RegExp(CJK.source, "u");
  var SPELL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  var SECTION_SHIFT = 7;

  /* ---- loading index parts ---------------------------------------------- */

  var loaded = {};
  var waiting = {};
  var prevHook = window.polydocSearch;
  window.polydocSearch = function (name, data) {
    loaded[name] = data;
    var w = waiting[name];
    if (w) {
      delete waiting[name];
      for (var i = 0; i < w.length; i++) w[i][0](data);
    }
    if (typeof prevHook === "function") prevHook(name, data);
  };

  function Engine(indexUrl, localeUrl) {
    this.base = indexUrl;
    this.localeUrl = localeUrl;
    this.shards = {};
    /* page -> [page, title, path]: from shards, or from its card */
    this.cards = {};
    /* page -> {card, texts (the sections' prose, once inflated), ready} */
    this.details = {};
    this.pointers = {};
    this.meta = null;
  }

  Engine.prototype.load = function (name) {
    if (name in loaded) return Promise.resolve(loaded[name]);
    var base = this.base;
    return new Promise(function (resolve, reject) {
      if (waiting[name]) {
        waiting[name].push([resolve, reject]);
        return;
      }
      waiting[name] = [[resolve, reject]];
      var s = document.createElement("script");
      s.src = base + name + ".js";
      s.async = true;
      s.onerror = function () {
        var w = waiting[name] || [];
        delete waiting[name];
        for (var i = 0; i < w.length; i++) w[i][1](new Error("cannot load " + s.src));
      };
      (document.head || document.documentElement).appendChild(s);
    });
  };

  Engine.prototype.ready = function () {
    var self = this;
    if (!this.metaPromise) {
      this.metaPromise = this.load("meta").then(function (m) {
        self.meta = m;
        self.split = {};
        for (var i = 0; i < m.split.length; i++) self.split[m.split[i]] = true;
        self.stop = {};
        for (var j = 0; j < (m.stop || []).length; j++) self.stop[m.stop[j]] = true;
        return m;
      });
    }
    return this.metaPromise;
  };

  /* ---- analysis (mirrors src/search/analyze.rs) ------------------------- */

  function fold(w) {
    w = w.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    return w.replace(/[ßæœøłđðþı]/g, function (c) { return SPELL[c]; });
  }

  var segmenters = {};
  function words(text, lang) {
    var out = [];
    var seg = null;
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      seg = segmenters[lang] || (segmenters[lang] = new Intl.Segmenter(lang || undefined, { granularity: "word" }));
    }
    if (seg) {
      var it = seg.segment(text);
      for (var s of it) if (s.isWordLike) out.push(s.segment);
    } else {
      out = text.match(/[\p{L}\p{N}_]+(?:['.\u2019][\p{L}\p{N}_]+)*/gu) || [];
    }
    return out;
  }

  /* Query words: {w: folded word or CJK bigram, cjk, last} */
  function analyze(query, lang) {
    var out = [];
    var pieces = [];
    var last = 0;
    query.replace(CJK, function (m, off) {
      pieces.push([false, query.slice(last, off)]);
      pieces.push([true, m]);
      last = off + m.length;
      return m;
    });
    pieces.push([false, query.slice(last)]);
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      if (!p[1]) continue;
      if (p[0]) {
        var chars = Array.from(p[1].normalize("NFKC").toLowerCase());
        if (chars.length === 1) out.push({ w: chars[0], cjk: true });
        for (var j = 0; j + 1 < chars.length; j++) out.push({ w: chars[j] + chars[j + 1], cjk: true });
      } else {
        var ws = words(p[1], lang);
        for (var k = 0; k < ws.length; k++) {
          var f = fold(ws[k]);
          if (f && Array.from(f).length <= 40) out.push({ w: f, cjk: false });
        }
      }
    }
    // The word being typed (no space after it yet) also matches as a prefix.
    if (out.length && !/\s$/.test(query) && !out[out.length - 1].cjk) out[out.length - 1].last = true;
    var seen = {};
    return out.filter(function (q) {
      if (seen[q.w]) return false;
      seen[q.w] = true;
      return true;
    });
  }

  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var c of s) {
      h ^= c.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  Engine.prototype.key = function (term) {
    var chars = Array.from(term);
    var n = Math.min(3, chars.length);
    for (;;) {
      var k = chars.slice(0, n).join("");
      if (n < chars.length && this.split[k]) {
        n++;
        continue;
      }
      return k;
    }
  };

  Engine.prototype.shardOf = function (term) {
    return fnv1a(this.key(term)) % this.meta.k;
  };

  Engine.prototype.shard = function (k) {
    var self = this;
    if (this.shards[k]) return Promise.resolve(this.shards[k]);
    return this.load("t" + k).then(function (d) {
      if (self.shards[k]) return self.shards[k];
      var terms = [];
      for (var i = 0; i < d.t.length; i += 2) {
        var p = d.t[i + 1];
        // "@k": the term lives in shard k (a crowded prefix that is a stem).
        terms.push(p[0] === "@" ? { t: d.t[i], ptr: +p.slice(1) } : { t: d.t[i], p: p, post: null });
      }
      for (var j = 0; j < d.c.length; j++) self.cards[d.c[j][0]] = d.c[j];
      // [page, title, shard]: a card that is in another shard.
      for (var q = 0; q < (d.p || []).length; q++) self.pointers[d.p[q][0]] = d.p[q];
      self.shards[k] = terms;
      return terms;
    });
  };

  /* ---- postings ---------------------------------------------------------- */

  function Reader(s) {
    this.s = s;
    this.i = 0;
  }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, c;
    do {
      c = DEC[this.s.charCodeAt(this.i++)];
      v += (c & 31) * mul;
      mul *= 32;
    } while (c & 32);
    return v;
  };
  /* Bits after the varints, low bits first, 6 to a character. */
  Reader.prototype.bits = function (count) {
    var v = 0;
    for (var j = 0; j < count; j++) v |= this.bit() << j;
    return v;
  };
  Reader.prototype.bit = function () {
    if (!this.left) {
      this.acc = DEC[this.s.charCodeAt(this.i++)];
      this.left = 6;
    }
    var b = this.acc & 1;
    this.acc >>= 1;
    this.left--;
    return b;
  };
  /* One list: Rice parameter, Rice-coded page gaps, then values of vbits
     bits (12: section, impact, title length; 9: section, impact; 0: none). */
  Reader.prototype.list = function (count, vbits, docs, vals) {
    if (!count) return;
    var k = this.bits(5), next = 0, start = docs.length, i;
    for (i = 0; i < count; i++) {
      var q = 0;
      while (this.bit()) q++;
      var d = next + q * (1 << k) + this.bits(k);
      docs.push(d);
      next = d + 1;
    }
    for (i = 0; i < count; i++) {
      vals[docs[start + i]] = vbits === 12 ? this.bits(12) : vbits === 9 ? this.bits(9) << 3 : -1;
    }
  };

  /* {df, docs: [page], vals: {page: value}}; value -1: impact unknown (a
     dense term's body page). Format: src/search/index.rs encode_postings. */
  function decode(entry) {
    if (entry.post) return entry.post;
    var r = new Reader(entry.p);
    var strong = r.varint(), body = r.varint();
    var docs = [], vals = {};
    r.list(strong, 12, docs, vals);
    r.list(body >> 1, body & 1 ? 0 : 9, docs, vals);
    entry.post = { df: docs.length, docs: docs, vals: vals };
    return entry.post;
  }

  /* Damerau-Levenshtein distance, stopping early above 1. */
  function within1(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1); // deletion / insertion
  }

  /* ---- matching ---------------------------------------------------------- */

  /* How many letters of word w the stem t stands for: t is the start of w,
     or the start of w with one doubled letter written once (the Dutch
     stemmer's "beheer" -> "beher", "webhooks" -> "webhok"). 0: neither. */
  function covers(w, t) {
    if (w.slice(0, t.length) === t) return t.length;
    if (t.length + 1 > w.length) return 0;
    var i = 0;
    while (i < t.length && t[i] === w[i]) i++;
    return i > 0 && w[i] === w[i - 1] && w.slice(i + 1, t.length + 1) === t.slice(i) ? t.length + 1 : 0;
  }

  /* Terms of one shard matching query word q: [{entry, weight, kind}] */
  function match(terms, q) {
    var w = q.w, out = [];
    if (q.cjk) {
      for (var c = 0; c < terms.length; c++) if (terms[c].t === w) out.push({ e: terms[c], weight: 1 });
      return out;
    }
    var best = null, bestCovers = 0;
    var minStem = Math.max(Math.min(3, w.length), w.length - 5);
    var completions = [];
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i].t;
      if (t.length <= w.length) {
        var c = t.length >= minStem ? covers(w, t) : 0;
        if (c > bestCovers) {
          best = terms[i];
          bestCovers = c;
        }
      } else if (q.last && w.length >= 2 && terms[i].p && t.slice(0, w.length) === w) {
        completions.push(terms[i]);
      }
    }
    if (best) out.push({ e: best, weight: 1 });
    completions.sort(function (x, y) { return y.p.length - x.p.length; });
    for (var j = 0; j < completions.length && j < 24; j++) {
      out.push({ e: completions[j], weight: 0.75 * Math.sqrt(w.length / completions[j].t.length) });
    }
    return out;
  }

  function typoMatch(terms, q) {
    var out = [];
    if (q.cjk || q.w.length < 4) return out;
    for (var i = 0; i < terms.length; i++) {
      if (terms[i].p && typoOf(terms[i].t, q)) out.push({ e: terms[i], weight: 0.6 });
    }
    return out;
  }

  /* Whether term t is query word q with a typo (one edit). */
  function typoOf(t, q) {
    var w = q.w;
    if (t.length < 3) return false;
    var ok = within1(t, w);
    // The stem of a misspelt inflected word: compare with w cut to the stem's length.
    if (!ok && w.length > t.length && t.length >= 4 && t.length >= w.length - 5) {
      ok = within1(t, w.slice(0, t.length)) || within1(t, w.slice(0, t.length + 1)) || within1(t, w.slice(0, t.length - 1));
    }
    if (!ok && q.last && t.length > w.length) ok = within1(t.slice(0, w.length), w);
    return ok;
  }

  /* Words a typo in the shard key may have come from: an extra letter or
     two swapped in the first letters, or a wrong or missing letter inside
     a crowded prefix (meta.split) the word nearly starts with. */
  function typoVariants(w, split) {
    // Likeliest first (the client loads the shards of the first few):
    // two letters swapped, then a letter too many.
    var v = [];
    for (var s = 0; s < 10 && s < w.length - 1; s++) v.push(w.slice(0, s) + w[s + 1] + w[s] + w.slice(s + 2));
    for (var i = 0; i < 10 && i < w.length - 1; i++) v.push(w.slice(0, i) + w.slice(i + 1));
    for (var k in split) {
      for (var d = -1; d <= 1; d++) {
        var pre = w.slice(0, k.length + d);
        if (pre.length >= 3 && pre !== k && within1(k, pre)) v.push(k + w.slice(k.length + d));
      }
    }
    return v;
  }

  /* Terms matching query word q; with `local`, only from its own shard
     (no further requests for typos). */
  Engine.prototype.termsFor = function (q, local) {
    var self = this;
    var k = this.shardOf(q.w);
    return this.shard(k).then(function (terms) {
      return self.follow(match(terms, q));
    }).then(function (m) {
      if (m.length || q.cjk) return m;
      if (local) return self.shards[k] ? typoMatch(self.shards[k], q) : [];
      return self.shard(k).then(function (terms) { return self.typos(terms, q, k); });
    });
  };

  /* Replaces pointer entries by the entry in the shard they point to. */
  Engine.prototype.follow = function (m) {
    var self = this;
    return Promise.all(m.map(function (x) {
      if (x.e.ptr === undefined) return x;
      return self.shard(x.e.ptr).then(function (terms) {
        for (var i = 0; i < terms.length; i++) if (terms[i].t === x.e.t && terms[i].p) return { e: terms[i], weight: x.weight };
        return null;
      });
    })).then(function (l) { return l.filter(Boolean); });
  };

  /* No match: terms one edit away, in the word's shard, then in the
     shards a typo in the key may have moved it from (the likeliest
     TYPO_SHARDS of them), reading their word lists (`w<k>`) first. */
  var TYPO_SHARDS = 8;
  Engine.prototype.typos = function (terms, q, k) {
    var self = this;
    var m = typoMatch(terms, q);
    if (m.length || q.w.length < 5) return m;
    var shards = [];
    typoVariants(q.w, self.split).forEach(function (v) {
      var s = self.shardOf(v);
      if (s !== k && shards.indexOf(s) < 0) shards.push(s);
    });
    // Their words first (small files); then only the shards that have a
    // word one edit away.
    return Promise.all(shards.slice(0, TYPO_SHARDS).map(function (s) {
      return self.load("w" + s).then(function (words) {
        var hit = words.split(" ").some(function (t) { return typoOf(t, q); });
        return hit ? self.shard(s) : [];
      }, function () { return []; });
    })).then(function (lists) {
      var all = [];
      lists.forEach(function (l) { all = all.concat(typoMatch(l, q)); });
      return all;
    });
  };

  /* ---- ranking ----------------------------------------------------------- */

  /* The order in which query words are tried when the query may be a page's
     title: longest first, ties in code point order. The index puts each
     page's card in the shard of its title's first such word (or second, when
     that shard is full): src/search/index.rs primary_words. */
  function primaryOrder(qs) {
    return qs.slice().sort(function (a, b) {
      var ca = Array.from(a.w), cb = Array.from(b.w);
      if (ca.length !== cb.length) return cb.length - ca.length;
      for (var i = 0; i < ca.length; i++) {
        var d = ca[i].codePointAt(0) - cb[i].codePointAt(0);
        if (d) return d;
      }
      return 0;
    });
  }
  var PRIMARY_TRIES = 3;

  /* Whether query words qs name the whole title of card: every title word is
     a query word and every query word a title word (the word being typed may
     be the start of one). */
  Engine.prototype.isTitle = function (card, qs) {
    var tw = card.words || (card.words = analyze(card[1], this.meta.lang).map(function (q) { return q.w; }));
    if (!tw.length) return false;
    var used = {};
    for (var i = 0; i < tw.length; i++) {
      var hit = false;
      for (var j = 0; j < qs.length && !hit; j++) {
        if (qs[j].w === tw[i] || (qs[j].last && tw[i].slice(0, qs[j].w.length) === qs[j].w)) {
          hit = true;
          used[j] = true;
        }
      }
      if (!hit) return false;
    }
    for (var k = 0; k < qs.length; k++) if (!used[k]) return false;
    return true;
  };

  /* Pages (loaded cards) whose title the query is. */
  Engine.prototype.titled = function (qs) {
    var out = {};
    for (var id in this.cards) if (this.isTitle(this.cards[id], qs)) out[id] = true;
    return out;
  };

  Engine.prototype.loadedShard = function (q) {
    return !!this.shards[this.shardOf(q.w)];
  };

  /* Scores pages for query words qs from their matched terms:
     BM25 impacts x idf, coordination, and title coverage. */
  Engine.prototype.score = function (qs, perWord) {
    var n = this.meta.n;
    var docs = {};
    var matched = [];
    perWord.forEach(function (ms, qi) {
      ms.forEach(function (m) {
        matched.push(m.e.t);
        var post = decode(m.e);
        var idf = Math.log(1 + (n - post.df + 0.5) / (post.df + 0.5));
        for (var i = 0; i < post.docs.length; i++) {
          var d = post.docs[i];
          var v = post.vals[d];
          var known = v !== undefined && v >= 0;
          var impact = known ? ((v >> 3) & 15) / 15 : 0.3;
          var score = m.weight * idf * impact;
          var r = docs[d] || (docs[d] = { id: d, per: new Array(qs.length), title: new Array(qs.length), tlen: 0, sec: {} });
          var prev = r.per[qi];
          if (!prev || score > prev.s) r.per[qi] = { s: score, w: m.weight };
          if (known && (v & 7)) {
            r.title[qi] = true;
            r.tlen = v & 7;
          }
          var sec = known ? v >> SECTION_SHIFT : -1;
          if (sec >= 0) r.sec[sec] = (r.sec[sec] || 0) + score;
        }
      });
    });
    var list = [];
    for (var id in docs) {
      var r = docs[id];
      var sum = 0, coord = 0, titled = 0;
      for (var i = 0; i < qs.length; i++) {
        if (r.per[i]) {
          sum += r.per[i].s;
          coord += r.per[i].w;
        }
        if (r.title[i]) titled++;
      }
      coord /= qs.length;
      // The query names the whole title (every title term matched): the page itself.
      var whole = titled > 0 && titled >= r.tlen && r.tlen < 7 ? 1 : 0;
      r.score = sum * coord * coord * (1 + titled / qs.length + whole);
      list.push(r);
    }
    list.sort(function (x, y) { return y.score - x.score || x.id - y.id; });
    return { list: list, matched: matched };
  };

  /* Search. By default a query that is (the start of) a page's title is
     answered from the shard of its longest word, which carries that page's
     card: one request. Otherwise, or with opts.full (the results page),
     every word's shard is loaded and every page ranked. */
  Engine.prototype.search = function (query, limit, opts) {
    var self = this;
    limit = limit || 8;
    var full = !!(opts && opts.full);
    return this.ready().then(function (meta) {
      var all = analyze(query, meta.lang);
      var qs = all;
      // Words on most pages add nothing beside rarer ones: not worth a download.
      var rare = qs.filter(function (q) { return q.last || !self.stop[q.w]; });
      if (rare.length && rare.length < qs.length && rare.some(function (q) { return !self.stop[q.w]; })) qs = rare;
      if (!qs.length || (qs.length === 1 && !qs[0].cjk && qs[0].w.length < 2)) return { query: query, results: [], terms: [] };
      return (full ? Promise.resolve(null) : self.quick(all, limit)).then(function (res) {
        return res || self.full(qs, limit);
      }).then(function (res) {
        var top = res.list.slice(0, limit);
        return self.cardsFor(top).then(function () {
          // Among the results shown, the page whose title the query is comes first.
          if (!res.quick) {
            var t = top.filter(function (r) { return self.cards[r.id] && self.isTitle(self.cards[r.id], all); });
            if (t.length) top = t.concat(top.filter(function (r) { return t.indexOf(r) < 0; }));
          }
          return {
            query: query,
            total: res.list.length,
            complete: !res.quick,
            ranked: res.list.map(function (r) { return r.id; }),
            terms: res.matched,
            words: qs,
            results: top.map(function (r) { return self.result(r, qs, res.matched); })
          };
        });
      });
    });
  };

  /* The title path: null when the query is not a title found that way. */
  Engine.prototype.quick = function (qs, limit) {
    var self = this;
    var order = primaryOrder(qs);
    function attempt(i) {
      if (i >= PRIMARY_TRIES || i >= order.length) return null;
      return self.shard(self.shardOf(order[i].w)).then(function () {
        // A title whose card is elsewhere: one more request.
        var away = [];
        for (var id in self.pointers) {
          if (!self.cards[id] && self.isTitle(self.pointers[id], qs)) away.push(self.shard(self.pointers[id][2]));
        }
        return Promise.all(away.slice(0, 2));
      }).then(function () {
        var titled = self.titled(qs);
        if (!Object.keys(titled).length) return attempt(i + 1);
        // Rank with the words whose shards are here (no more requests); only
        // pages whose cards are here are shown, the title's page first.
        var here = qs.map(function (q) { return self.loadedShard(q) ? self.termsFor(q, true) : Promise.resolve([]); });
        return Promise.all(here).then(function (perWord) {
          var res = self.score(qs, perWord);
          var list = res.list.filter(function (r) { return self.cards[r.id]; });
          var listed = {};
          list.forEach(function (r) {
            listed[r.id] = true;
            if (titled[r.id]) r.score = r.score * 4 + 1e6;
          });
          // A title page the loaded terms missed (a stem the query spells otherwise).
          for (var id in titled) if (!listed[id]) list.push({ id: +id, score: 1e6, sec: {} });
          list.sort(function (x, y) { return y.score - x.score || x.id - y.id; });
          return { list: list, matched: res.matched, quick: true };
        });
      });
    }
    return Promise.resolve(attempt(0));
  };

  Engine.prototype.full = function (qs, limit) {
    var self = this;
    return Promise.all(qs.map(function (q) { return self.termsFor(q); })).then(function (perWord) {
      return self.score(qs, perWord);
    });
  };

  /* Loads the cards of the results shown (one file each) and inflates
     their prose. */
  Engine.prototype.cardsFor = function (top) {
    var self = this;
    return Promise.all(top.map(function (r) {
      var d = self.details[r.id];
      if (d) return d.ready;
      d = self.details[r.id] = {};
      d.ready = self.load("p" + r.id).then(function (c) {
        d.card = c;
        if (!self.cards[r.id]) self.cards[r.id] = [r.id, c[0], c[1]];
        return inflate(c[3]).then(function (t) { d.texts = t; });
      }, function () {
        delete self.details[r.id];
      });
      return d.ready;
    }));
  };

  Engine.prototype.result = function (r, qs, matched) {
    var card = this.cards[r.id] || [r.id, "?", ""];
    var det = this.details[r.id] || {};
    var best = 0, bestScore = 0;
    for (var s in r.sec) {
      if (r.sec[s] > bestScore) {
        bestScore = r.sec[s];
        best = +s;
      }
    }
    var sections = (det.card && det.card[2]) || [["", "", ""]];
    var at = Math.min(best, sections.length - 1);
    var hl = highlighter(qs, matched);
    var snippet = (sections[at] && sections[at][2]) || (sections[0] && sections[0][2]) || "";
    // The excerpt (a section's first words) does not show the matched
    // words: the words around them in that section's prose, else in the
    // first section that has them (terms on many pages keep no section).
    var texts = det.texts;
    if (texts && hl.first(snippet) < 0) {
      var order = [at];
      for (var j = 0; j < texts.length; j++) if (j !== at) order.push(j);
      for (var o = 0; o < order.length; o++) {
        var text = texts[order[o]] || "";
        var pos = hl.first(text);
        if (pos >= 0) {
          snippet = around(text, pos);
          break;
        }
      }
    }
    var sec = sections[at] || ["", "", ""];
    var hid = sec[0] === 0 ? slug(sec[1]) : sec[0];
    // From file:// a folder URL shows a listing: name the page itself.
    var file = /^file:/.test(this.localeUrl) && (!card[2] || /\/$/.test(card[2])) ? "index.html" : "";
    var url = this.localeUrl + card[2] + file + (hid ? "#" + hid : "");
    return {
      id: r.id,
      title: card[1],
      url: url,
      heading: hid ? sec[1] : "",
      headingId: hid,
      snippet: snippet,
      score: r.score,
      highlight: hl
    };
  };

  /* A card's prose: base64 of a zlib-deflated JSON array of strings (one
     per section). null where the browser cannot inflate (no
     DecompressionStream): the excerpts stand in. */
  function inflate(b64) {
    if (!b64 || typeof DecompressionStream === "undefined" || typeof Response === "undefined" || typeof Blob === "undefined") {
      return Promise.resolve(null);
    }
    try {
      var bin = atob(b64), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      return new Response(stream).text().then(JSON.parse).catch(function () { return null; });
    } catch (e) {
      return Promise.resolve(null);
    }
  }

  /* Some words either side of `at` in `text`, cut at spaces. */
  function around(text, at) {
    var from = Math.max(0, at - 60), to = Math.min(text.length, at + 140);
    if (from > 0) from = text.indexOf(" ", from) + 1 || at;
    if (to < text.length) to = Math.max(text.lastIndexOf(" ", to), at + 1);
    return (from > 0 ? "…" : "") + text.slice(from, to).trim() + (to < text.length ? "…" : "");
  }

  /* A heading's ID by Learn's rule (src/markdown/slug.rs): the index omits
     IDs that follow it. */
  function slug(text) {
    var out = "";
    for (var c of text) {
      if (c === " ") out += "-";
      else if (c === "-" || c === "_") out += c;
      else if (c.codePointAt(0) <= 0xffff && /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nd}]/u.test(c)) out += c.toLowerCase()[0];
    }
    return out || "section";
  }

  /* Returns html(text): text escaped, with the matched words in <mark>.
     A word is matched when it starts with a matched term, or holds one of
     four letters or more after its start (a compound part: `beleid` in
     `Synchronisatiebeleid`). html.first(text) is where the first matched
     word starts (-1 when none). */
  function highlighter(qs, matched) {
    // The matched terms (stems), and the query's words as typed: a stem
    // may be spelt otherwise (`webhok` for `webhooks`).
    var stems = matched.concat(qs.filter(function (q) { return !q.cjk; }).map(function (q) { return q.w; }))
      .filter(function (t) { return t.length >= 2 && !CJK_ONE.test(t); });
    var cjk = qs.filter(function (q) { return q.cjk; }).map(function (q) { return q.w; });
    function hit(piece) {
      var f = fold(piece);
      return /[\p{L}\p{N}]/u.test(piece) && stems.some(function (s) {
        return f.slice(0, s.length) === s || (s.length >= 4 && f.indexOf(s, 1) > 0);
      });
    }
    var html = function (text) {
      var out = "";
      var re = /[\p{L}\p{N}_]+|[^\p{L}\p{N}_]+/gu;
      var m;
      while ((m = re.exec(text))) {
        var piece = m[0];
        var on = hit(piece);
        if (!on && cjk.length) {
          out += markCjk(piece, cjk);
          continue;
        }
        out += on ? "<mark>" + esc(piece) + "</mark>" : esc(piece);
      }
      return out;
    };
    html.first = function (text) {
      var at = -1;
      var re = /[\p{L}\p{N}_]+/gu;
      var m;
      while ((m = re.exec(text))) {
        if (hit(m[0])) {
          at = m.index;
          break;
        }
      }
      cjk.forEach(function (g) {
        var j = text.indexOf(g);
        if (j >= 0 && (at < 0 || j < at)) at = j;
      });
      return at;
    };
    return html;
  }

  function markCjk(text, grams) {
    var chars = Array.from(text), on = new Array(chars.length), out = "";
    for (var i = 0; i + 1 < chars.length; i++) {
      if (grams.indexOf(chars[i] + chars[i + 1]) >= 0) on[i] = on[i + 1] = true;
    }
    for (var j = 0; j < chars.length; j++) {
      var open = on[j] && !on[j - 1], close = on[j] && !on[j + 1];
      out += (open ? "<mark>" : "") + esc(chars[j]) + (close ? "</mark>" : "");
    }
    return out;
  }

  function esc(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* ---- user interface ---------------------------------------------------- */

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  if (!data.index) {
    window.PolydocSearchEngine = Engine;
    return;
  }
  function abs(u) {
    return new URL(u, document.baseURI || location.href).href;
  }
  var indexUrl = abs(data.index);
  var engine = new Engine(indexUrl, abs(data.locale));
  window.polydocSearchEngine = engine;

  function renderItems(list, res, more) {
    var html = "";
    res.results.forEach(function (r, i) {
      html += '<li role="option" id="pd-sr-' + i + '" class="search-result"><a href="' + esc(r.url) + '">' +
        '<span class="search-result-title">' + r.highlight(r.title) + "</span>" +
        (r.heading ? '<span class="search-result-heading">' + r.highlight(r.heading) + "</span>" : "") +
        (r.snippet ? '<span class="search-result-snippet">' + r.highlight(r.snippet) + "</span>" : "") +
        "</a></li>";
    });
    if (!res.results.length) html = '<li class="search-empty" role="presentation">' + esc(data.empty || "") + "</li>";
    if (more) html += '<li role="option" id="pd-sr-all" class="search-all"><a href="' + esc(more) + '">' + esc(data.all || "") + "</a></li>";
    list.innerHTML = html;
  }

  function pageUrl(q) {
    return abs(data.page) + "?q=" + encodeURIComponent(q);
  }

  function initBox(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector(".search-results");
    if (!input || !list) return;
    var seq = 0, active = -1, timer = 0;

    function options() {
      return list.querySelectorAll("[role=option]");
    }
    function setActive(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      if (opts[active].scrollIntoView) opts[active].scrollIntoView({ block: "nearest" });
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function run() {
      var q = input.value;
      var my = ++seq;
      if (!q.trim()) {
        close();
        return;
      }
      engine.search(q, 8).then(function (res) {
        if (my !== seq) return;
        renderItems(list, res, pageUrl(q));
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        setActive(0);
      }, function (e) {
        if (my !== seq) return;
        list.innerHTML = '<li class="search-empty" role="presentation">' + esc(String(e.message || e)) + "</li>";
        list.hidden = false;
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 40);
    });
    input.addEventListener("focus", function () {
      engine.ready().catch(function () {});
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden) return;
        e.preventDefault();
        setActive(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        var opts = options();
        if (!list.hidden && active >= 0 && opts[active]) {
          e.preventDefault();
          location.href = opts[active].querySelector("a").href;
        }
      } else if (e.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) close();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (input.value.trim()) location.href = pageUrl(input.value);
    });
  }

  function initPage(box) {
    var input = box.querySelector("input[type=search]");
    var out = box.querySelector(".search-page-results");
    var status = box.querySelector(".search-page-status");
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    /* "{n} results" in the page language's plural form (CLDR rules, the
       same ones the build uses): data-count-forms is {"one": ..., "other": ...}. */
    function countText(n) {
      var forms = null, cat = "other";
      try { forms = JSON.parse(data.countForms || "null"); } catch (e) { forms = null; }
      try { cat = new Intl.PluralRules(document.documentElement.lang).select(n); } catch (e) { cat = n === 1 ? "one" : "other"; }
      var f = (forms && (forms[cat] || forms.other)) || data.count || "{n}";
      return f.replace("{n}", n);
    }
    var shown = PAGE;
    function run() {
      var query = input.value;
      if (!query.trim()) {
        out.innerHTML = "";
        return;
      }
      engine.search(query, shown, { full: true }).then(function (res) {
        if (query !== input.value) return;
        renderItems(out, res, "");
        if (status) status.textContent = countText(res.total || 0);
        // Ten results at a time: each shown result loads its card.
        if ((res.total || 0) > shown) {
          var li = document.createElement("li");
          li.className = "search-more";
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = data.more || "…";
          b.addEventListener("click", function () {
            shown += PAGE;
            run();
          });
          li.appendChild(b);
          out.appendChild(li);
        }
      });
    }
    input.addEventListener("input", function () {
      shown = PAGE;
      run();
    });
    run();
  }

  /* Results the results page shows at first, and adds with each "more". */
  var PAGE = 10;

  function init() {
    var forms = document.querySelectorAll("form.search-box");
    for (var i = 0; i < forms.length; i++) initBox(forms[i]);
    var page = document.querySelector(".search-page");
    if (page) initPage(page);
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target, tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      var input = document.querySelector(".search-page input[type=search]") || document.querySelector("form.search-box input[type=search]");
      if (input) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
