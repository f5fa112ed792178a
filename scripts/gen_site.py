#!/usr/bin/env python3
"""Generate a synthetic polydoc site for benchmarks and link-check tests.

    gen_site.py OUT_DIR --articles N --locales en-us,nl-nl [--broken K] [--seed S]
                [--words syllables|real]

Writes OUT_DIR/polydoc.toml, OUT_DIR/themes/default (copied from the
repository), OUT_DIR/articles/<locale>/section-<k>/article-<j>.md (N articles
per locale, 100 per section) and, with --broken, OUT_DIR/broken.json listing
the K links that were broken on purpose. Every other link is valid. The first
locale is the source locale; the others are "translations" of it: same
structure, same links, translated words, headings carrying
`<a name="english-slug"></a>` like Microsoft's localized docs.

--words real (for search benchmarks) writes Dutch (nl-*) and Japanese
(ja-*) locales in real words of our own list, with the compounds both
languages write as one word (`kioskmodus`, `wachtwoordbeleid`, `東海道新幹線`)
and Dutch plurals beside singulars; other languages keep syllable words.

The output depends only on the arguments (stdlib only, no hash randomization).
"""
import argparse
import json
import random
import shutil
import sys
from pathlib import Path

SECTION_SIZE = 100
HOST = "bench.example"

# Word index 0..15 are function words, translated position by position.
FUNCTION_WORDS = {
    "en": "the a to of and in is for you your can with this that on by".split(),
    "nl": "de een naar van en in is voor u uw kunt met dit dat op door".split(),
    "xx": "le un à de et dans est pour vous votre peut avec ce que sur par".split(),
}
SYLLABLES = {
    "en": "ac ad al an ap ar as at ca ce co con de di en er ex fi for ge in is it la le li lo ma me "
          "mi mo na ne no or pa pe per pi po pro ra re ri ro sa se si so ta te ti to tra un us va ve vi".split(),
    "nl": "aan ach bij ber de den der een eer ge gen heid ij in ijk ke ken lijk maa mee na nen oe "
          "ond op over sch schap sto te ten tie ui ver voor vr wer zij zo één ië".split(),
    "xx": "ba bé ca ço da dé fa gè la lé ma mü na nö pa ré sa sé ta tè va vé za ñu lu ro ri".split(),
}
PHRASES = {
    "en": {"see": "For more information, see", "also": "See also", "step": "Step",
           "csharp": "for C# developers", "yes": "Yes", "no": "No"},
    "nl": {"see": "Zie voor meer informatie", "also": "Zie ook", "step": "Stap",
           "csharp": "voor C#-ontwikkelaars", "yes": "Ja", "no": "Nee"},
    "xx": {"see": "Pour plus d'informations, voir", "also": "Voir aussi", "step": "Étape",
           "csharp": "pour les développeurs C#", "yes": "Oui", "no": "Non"},
}
VOCAB_SIZE = 3000
N_FUNC = 16

AUTHORS = [("AshaIyengar21", "v-aiyengar"), ("JoanneHendrickson", "jhendr"), ("MikePlumleyMSFT", "mikeplum"),
           ("kwekuako", "kwekua"), ("efrene", "efrene"), ("sirkkuw", "sirkkuw"), ("CJGronlund", "cgronlund")]
MANAGERS = ["dansimp", "scotv", "laurawi", "pamgreen"]
TOPICS = ["article", "conceptual", "how-to", "troubleshooting", "reference", "overview"]
COLLECTIONS = ["Adm_O365", "M365-subscription-management", "Adm_TOC", "scotvorg", "M365-identity-device-management"]
CODE_LANGS = ["json", "bash", "csharp", "python"]

CODE_TEMPLATES = {
    "json": '{\n  "name": "@w",\n  "enabled": true,\n  "retries": @n,\n  "@w": {\n'
            '    "endpoint": "https://@w.example.net/api/@w",\n    "scopes": ["@w.read", "@w.write"]\n  }\n}',
    "bash": '# @w @w @w\n@wctl login --tenant @w\n@wctl config set @w.@w @n\n'
            'curl -s "https://api.example.net/v1/@w?top=@n" | jq \'.items[] | .@w\'',
    "csharp": 'using System.Threading.Tasks;\n\npublic class @WClient\n{\n'
              '    public async Task<int> @WAsync(string @w)\n    {\n'
              '        var result = await _http.GetAsync($"/api/@w/{@w}");\n'
              '        return result.IsSuccessStatusCode ? @n : -1;\n    }\n}',
    "python": 'import json\n\n\ndef load_@w(path, limit=@n):\n'
              '    with open(path, encoding="utf-8") as f:\n        data = json.load(f)\n'
              '    return [item["@w"] for item in data["@w"]][:limit]',
}


def lang_of(locale, real=False):
    primary = locale.split("-")[0]
    if real and primary == "ja":
        return "ja"
    return primary if primary in FUNCTION_WORDS else "xx"


def make_vocab(lang):
    rng = random.Random("vocab:" + lang)
    words, seen = list(FUNCTION_WORDS[lang]), set(FUNCTION_WORDS[lang])
    lengths = (1, 2, 2, 3, 3, 4) if lang == "en" else (1, 2, 2, 2, 3)  # syllables per word
    while len(words) < VOCAB_SIZE:
        w = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.choice(lengths)))
        if len(w) > 2 and w not in seen:
            seen.add(w)
            words.append(w)
    return words


# --- Real words (--words real) ----------------------------------------------
# Our own lists. Dutch: (singular, plural) nouns, verb forms, adjectives, and
# compound heads/modifiers (modifier form includes any linking -s-).
NL_NOUNS = [tuple(p.split("/")) for p in """
wachtwoord/wachtwoorden gebruiker/gebruikers beheerder/beheerders instelling/instellingen apparaat/apparaten
account/accounts groep/groepen bestand/bestanden map/mappen server/servers netwerk/netwerken verbinding/verbindingen
toegang/toegangen recht/rechten rol/rollen licentie/licenties abonnement/abonnementen tenant/tenants
organisatie/organisaties domein/domeinen certificaat/certificaten sleutel/sleutels melding/meldingen
bericht/berichten fout/fouten oorzaak/oorzaken oplossing/oplossingen stap/stappen pagina/pagina's
venster/vensters knop/knoppen menu/menu's optie/opties waarde/waarden regel/regels lijst/lijsten
rapport/rapporten overzicht/overzichten functie/functies versie/versies update/updates taak/taken
agent/agents wachtrij/wachtrijen sessie/sessies token/tokens aanvraag/aanvragen antwoord/antwoorden
gegeven/gegevens profiel/profielen kenmerk/kenmerken beveiliging/beveiligingen controle/controles
modus/modi kiosk/kiosken browser/browsers toepassing/toepassingen app/apps dienst/diensten
omgeving/omgevingen locatie/locaties tijdzone/tijdzones datum/data termijn/termijnen limiet/limieten
poort/poorten adres/adressen telefoon/telefoons computer/computers scherm/schermen printer/printers
schijf/schijven back-up/back-ups herstelpunt/herstelpunten koppeling/koppelingen webhook/webhooks
handtekening/handtekeningen sjabloon/sjablonen formulier/formulieren veld/velden tabel/tabellen
kolom/kolommen rij/rijen filter/filters zoekopdracht/zoekopdrachten resultaat/resultaten
vereiste/vereisten beperking/beperkingen uitzondering/uitzonderingen storing/storingen
""".split()]
NL_VERBS = """
instellen stelt ingesteld inschakelen schakelt ingeschakeld uitschakelen uitgeschakeld configureren configureert
geconfigureerd beheren beheert beheerd toevoegen voegt toegevoegd verwijderen verwijdert verwijderd controleren
controleert gecontroleerd aanmelden meldt aangemeld afmelden afgemeld installeren installeert geinstalleerd
bijwerken bijgewerkt openen opent geopend opslaan slaat opgeslagen selecteren selecteert geselecteerd kiezen
kiest gekozen wijzigen wijzigt gewijzigd herstellen herstelt hersteld gebruiken gebruikt vinden vindt gevonden
zoeken zoekt gezocht delen deelt gedeeld koppelen koppelt gekoppeld synchroniseren synchroniseert
gesynchroniseerd registreren registreert geregistreerd blokkeren blokkeert geblokkeerd toestaan staat toegestaan
weigeren weigert geweigerd testen test getest bekijken bekijkt bekeken exporteren exporteert geexporteerd
importeren importeert geimporteerd verzenden verzendt verzonden ontvangen ontvangt starten start gestart
stoppen stopt gestopt plannen plant gepland vernieuwen vernieuwt vernieuwd verlopen verloopt controleren
""".split()
NL_ADJECTIVES = """
nieuw nieuwe beschikbaar beschikbare veilig veilige standaard extern externe intern interne lokaal lokale
automatisch automatische handmatig handmatige verplicht verplichte optioneel optionele actief actieve geldig
geldige ongeldig ongeldige tijdelijk tijdelijke volledig volledige eerste laatste snel snelle groot grote klein
kleine oud oude juist juiste onjuist onjuiste gratis betaald betaalde beveiligd beveiligde openbaar openbare
""".split()
NL_MODIFIERS = """
wachtwoord gebruikers beheer beveiligings apparaat netwerk toegangs aanmeld kiosk systeem server bestands
gegevens account groeps domein certificaat sleutel meldings foutmeldings licentie abonnements tenant browser
toepassings app diensten omgevings tijdzone poort printer schijf back-up herstel sjabloon formulier zoek
web cloud mobiel telefoon beleids update versie taak sessie rapport
""".split()
NL_HEADS = [tuple(p.split("/")) for p in """
beleid/beleidsregels instelling/instellingen modus/modi regel/regels beheer/beheer groep/groepen lijst/lijsten
rapport/rapporten pagina/pagina's venster/vensters code/codes sleutel/sleutels account/accounts bericht/berichten
fout/fouten melding/meldingen overzicht/overzichten status/statussen taak/taken versie/versies functie/functies
profiel/profielen gegevens/gegevens beheerder/beheerders wizard/wizards centrum/centra portal/portals
adres/adressen limiet/limieten termijn/termijnen controle/controles historie/historie logboek/logboeken
verbinding/verbindingen toegang/toegang vereiste/vereisten
""".split()]
JA_FUNCTION = "の は を に が で と も から まで へ や より など ため こと".split()
JA_WORDS = """
設定 管理者 利用者 パスワード アカウント 接続 認証 証明書 サーバー ネットワーク 端末 画面 表示 更新 削除 追加
確認 変更 登録 解除 有効 無効 手順 方法 問題 解決 原因 エラー メッセージ 通知 共有 同期 保存 復元 検索 結果
一覧 詳細 項目 機能 範囲 権限 組織 部門 契約 料金 請求 支払い 東海道 新幹線 山陽 在来線 特急 列車 時刻表 駅
乗車券 指定席 自由席 予約 払い戻し 運賃 路線 地図 天気 情報 案内 窓口 会員 番号 住所 電話 メール 送信 受信
添付 署名 暗号化 鍵 安全 保護 監視 記録 報告 分析 集計 出力 入力 形式 文字 言語 翻訳 日本語 英語 時間 日付
期限 制限 容量 記憶域 バックアップ 仮想 環境 構成 展開 開発 テスト 本番 運用 障害 復旧 対応 状態 開始 停止
""".split()
JA_PHRASES = {"see": "詳細については、次を参照してください:", "also": "関連項目", "step": "手順",
              "csharp": "C# 開発者向け", "yes": "はい", "no": "いいえ"}


def make_real_vocab(lang):
    """Function words first, then simple words, then compounds (rarer)."""
    rng = random.Random("real-vocab:" + lang)
    if lang == "ja":
        simple = list(JA_WORDS)
        rng.shuffle(simple)
        compounds = [a + b for a in JA_WORDS for b in JA_WORDS if a != b]
        rng.shuffle(compounds)
        words = JA_FUNCTION + simple + compounds
    else:
        simple = [f for n in NL_NOUNS for f in n] + NL_VERBS + NL_ADJECTIVES
        rng.shuffle(simple)
        compounds = [m + f for m in NL_MODIFIERS for h in NL_HEADS for f in h if m != h[0]]
        rng.shuffle(compounds)
        words = list(FUNCTION_WORDS["nl"]) + simple + compounds
    out, seen = [], set()
    for w in words:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out[:VOCAB_SIZE]


def slugify(text):
    """Heading slug: lower case, keep letters/digits/-/_, spaces to '-', drop the rest."""
    return "".join("-" if c == " " else c for c in text.lower() if c.isalnum() or c in "-_ ")


# --- Abstract text ---------------------------------------------------------
# A text is a list of tokens rendered per language: an int is a vocabulary
# word; a tuple is ("lit", s) literal, ("code", s) inline code, ("bold", [ints]),
# ("ph", key) a phrase, ("link", [ints], target), ("cap",) capitalize next,
# (".",) (",",) (":",) punctuation glued to the previous token.

class Lang:
    def __init__(self, lang, real=False):
        self.real = real and lang in ("nl", "ja")
        self.vocab = make_real_vocab(lang) if self.real else make_vocab(lang)
        self.phrases = JA_PHRASES if lang == "ja" else PHRASES[lang]
        self.sep, self.punct = ("", {".": "。", ",": "、", ":": ":"}) if lang == "ja" else (" ", {})

    def render(self, tokens):
        out, cap = [], False
        for t in tokens:
            if type(t) is int:
                s = self.vocab[t]
            else:
                kind = t[0]
                if kind in (".", ",", ":"):
                    if out:
                        out[-1] += self.punct.get(kind, kind)
                    continue
                if kind == "cap":
                    cap = True
                    continue
                if kind == "lit":
                    s = t[1]
                elif kind == "code":
                    s = "`%s`" % t[1]
                elif kind == "bold":
                    s = "**%s**" % self.sep.join(self.vocab[i] for i in t[1])
                elif kind == "ph":
                    s = self.phrases[t[1]]
                else:  # link
                    s = "[%s](%s)" % (self.sep.join(self.vocab[i] for i in t[1]), t[2])
            if cap:
                s = s[:1].upper() + s[1:]
                cap = False
            out.append(s)
        return self.sep.join(out)


class Writer:
    """Draws words and blocks for one article from its own RNG."""

    def __init__(self, rng, cum_weights):
        self.rng = rng
        self.cum = cum_weights

    def words(self, n, content=False):
        lo = N_FUNC if content else 0
        ws = self.rng.choices(range(VOCAB_SIZE), cum_weights=self.cum, k=n)
        return [w if w >= lo else self.rng.randrange(N_FUNC, VOCAB_SIZE) for w in ws]

    def ident(self):
        return EN.vocab[self.rng.randrange(N_FUNC, VOCAB_SIZE)]

    def sentence(self):
        r = self.rng
        toks = [("cap",)] + self.words(r.randint(7, 20))
        if r.random() < 0.3:
            toks.insert(r.randint(2, len(toks)), (",",))
        if r.random() < 0.15:
            toks.insert(r.randint(2, len(toks)), ("code", self.ident() + r.choice(("", "()", ".json", "_id"))))
        if r.random() < 0.1:
            toks.insert(r.randint(2, len(toks)), ("bold", self.words(2, True)))
        return toks + [(".",)]

    def paragraph(self):
        toks = []
        for _ in range(self.rng.randint(2, 5)):
            toks += self.sentence()
        return ["p", toks]

    def heading(self):
        r, kind = self.rng, self.rng.random()
        toks = [("cap",)] + self.words(r.randint(2, 5), True)
        if kind < 0.1:
            toks = [("ph", "step"), ("lit", str(r.randint(1, 9))), (":",)] + toks  # "Step 3: ..."
        elif kind < 0.2:
            toks += [("lit", "(preview)")]
        elif kind < 0.27:
            toks += [("ph", "csharp")]
        elif kind < 0.35:
            toks += [("code", "%s_%s" % (self.ident(), self.ident()))]
        return toks

    def code(self):
        lang = self.rng.choice(CODE_LANGS)
        text = CODE_TEMPLATES[lang]
        parts = text.split("@")
        out = [parts[0]]
        for p in parts[1:]:
            tag, rest = p[0], p[1:]
            out.append(str(self.rng.randint(1, 500)) if tag == "n" else
                       self.ident().capitalize() if tag == "W" else self.ident())
            out.append(rest)
        return ["code", lang, "".join(out)]

    def listing(self):
        items = [[("cap",)] + self.words(self.rng.randint(4, 14)) + [(".",)]
                 for _ in range(self.rng.randint(3, 6))]
        return ["ol" if self.rng.random() < 0.4 else "ul", items]

    def table(self):
        cols = self.rng.randint(3, 4)
        head = [[("cap",)] + self.words(self.rng.randint(1, 2), True) for _ in range(cols)]
        rows = []
        for _ in range(self.rng.randint(3, 8)):
            row = [[("code", self.ident())], [("ph", self.rng.choice(("yes", "no")))],
                   [("cap",)] + self.words(self.rng.randint(3, 8))]
            rows.append((row + [[("lit", str(self.rng.randint(1, 9999)))]])[:cols])
        return ["table", head, rows]


EN = Lang("en")  # identifiers in code come from it: code is not translated


def render_block(block, lang):
    kind = block[0]
    if kind == "p":
        return lang.render(block[1])
    if kind == "note":
        return "> [!NOTE]\n> " + lang.render(block[1])
    if kind in ("ul", "ol"):
        marker = "-" if kind == "ul" else "1."
        return "\n".join("%s %s" % (marker, lang.render(i)) for i in block[1])
    if kind == "code":
        return "```%s\n%s\n```" % (block[1], block[2])
    if kind == "table":
        head = "| " + " | ".join(lang.render(c) for c in block[1]) + " |"
        sep = "|" + "---|" * len(block[1])
        rows = ["| " + " | ".join(lang.render(c) for c in row) + " |" for row in block[2]]
        return "\n".join([head, sep] + rows)
    raise ValueError(kind)


def heading_slug(tokens):
    """The ID of a heading: the slug of its English text."""
    return slugify(EN.render(tokens).replace("`", ""))


def heading_plan(seed, aid, cum):
    """Headings of article `aid`: (title tokens, [(level, tokens, slug)])."""
    w = Writer(random.Random("%s:head:%s" % (seed, aid)), cum)
    title = w.heading()
    slugs, heads, count = {heading_slug(title)}, [], w.rng.randint(4, 8)
    while len(heads) < count:
        toks = w.heading()
        slug = heading_slug(toks)
        if slug not in slugs:  # unique IDs: no `-1` suffixes to predict
            slugs.add(slug)
            heads.append((3 if heads and w.rng.random() < 0.3 else 2, toks, slug))
    return title, heads


def rel_path(src, dst):
    """Relative link from article src=(section, j) to article dst."""
    if src[0] == dst[0]:
        return "article-%d.md" % dst[1]
    return "../section-%d/article-%d.md" % dst


class Article:
    """One article's structure, shared by all its translations."""

    def __init__(self, seed, i, n, place, plans, cum, ids):
        self.seed, self.i, self.n, self.place, self.plans = seed, i, n, place, plans
        self.rng = rng = random.Random("%s:body:%s" % (seed, i))
        w = Writer(rng, cum)
        self.title, heads = plans[i]
        self.description = w.sentence()
        self.author = rng.choice(AUTHORS)
        self.manager = rng.choice(MANAGERS)
        self.month, self.day, self.year = rng.randint(1, 12), rng.randint(1, 28), rng.randint(2018, 2024)
        self.topic, self.service = rng.choice(TOPICS), "bench-" + w.ident()
        self.collections = rng.sample(COLLECTIONS, rng.randint(1, 2))
        self.custom = ids[:rng.randint(1, 3)]  # numeric article IDs, unique in the site
        self.uid = "bench.section-%d.article-%d" % place[i] if rng.random() < 0.3 else None
        self.hashes = ["%040x" % rng.getrandbits(160) for _ in range(2)]
        self.locfileid = rng.randint(40000000, 59999999)
        self.mt = rng.random() < 0.5

        # Body: ~4-8 KB of blocks spread over the sections.
        budget = rng.randint(2800, 6000)
        self.intro = [w.paragraph()]
        self.sections = []  # (level, tokens, slug, blocks)
        for level, toks, slug in heads:
            blocks, size = [], 0
            while size < budget // len(heads):
                x = rng.random()
                b = (w.paragraph() if x < 0.6 or not blocks else w.listing() if x < 0.78 else
                     w.code() if x < 0.93 else ["note", w.sentence()])
                blocks.append(b)
                size += len(render_block(b, EN))
            self.sections.append((level, toks, slug, blocks))
        if i % 4 == 0:  # a table every few articles
            self.sections[rng.randrange(len(self.sections))][3].insert(1, w.table())

        # 3-6 valid links, appended to random paragraphs / list items.
        me = place[i]
        kinds = rng.sample(["rel", "anchor", "self", "ext", "host"], 5)[:rng.randint(3, 5)]
        if len(kinds) == 5 and rng.random() < 0.5:
            kinds.append("rel")
        carriers = [b for _, _, _, bs in self.sections for b in bs if b[0] in ("p", "ul", "ol")]
        self.host_target = None
        for kind in kinds:
            if kind in ("rel", "anchor"):
                t = self.other(rng)
                target = rel_path(me, place[t])
                if kind == "anchor":
                    target += "#" + rng.choice(plans[t][1])[2]
            elif kind == "self":
                target = "#" + rng.choice(heads)[2]
            elif kind == "ext":
                target = "https://example.org/docs/%s/%s?view=latest" % (w.ident(), w.ident())
            else:
                t = self.other(rng)
                self.host_target = place[t]
                target = None  # per-locale, filled in at render time
            link = [("ph", "see"), ("link", w.words(rng.randint(2, 5), True), target or "@host"), (".",)]
            b = rng.choice(carriers)
            if b[0] == "p":
                b[1] = b[1] + link
            else:
                k = rng.randrange(len(b[1]))
                b[1][k] = b[1][k] + link
        self.extra_words = w.words(6, True)

    def other(self, rng):
        """Another article, often in the same section."""
        while True:
            if rng.random() < 0.5:
                base = self.i - self.i % SECTION_SIZE
                t = base + rng.randrange(min(SECTION_SIZE, self.n - base))
            else:
                t = rng.randrange(self.n)
            if t != self.i:
                return t

    def broken_target(self, kind):
        rng = random.Random("%s:broken:%d:%s" % (self.seed, self.i, kind))
        t = self.other(rng)
        sec, j = self.place[t]
        if kind == "missing-file":
            return rel_path(self.place[self.i], (sec, j)).replace(".md", "-old.md")
        if kind == "missing-anchor":
            slugs = {h[2] for h in self.plans[t][1]}
            slug = "-".join(EN.vocab[x] for x in self.extra_words[:3])
            assert slug not in slugs
            return rel_path(self.place[self.i], (sec, j)) + "#" + slug
        path = rel_path(self.place[self.i], (sec, j))  # case-mismatch
        return path.replace("article-", "Article-") if rng.random() < 0.5 else path.replace(".md", ".MD")

    def render(self, lang, locale, li, broken_target):
        translated = li > 0
        title = lang.render(self.title).replace("`", "")
        fm = ["---", "title: " + (json.dumps(title, ensure_ascii=False) if ":" in title else title),
              "description: " + lang.render(self.description),
              "author: " + self.author[0], "ms.author: " + self.author[1], "manager: " + self.manager,
              "ms.date: %02d/%02d/%d" % (self.month, self.day, self.year),
              "ms.topic: " + self.topic, "ms.service: " + self.service,
              "localization_priority: " + ("Priority" if self.i % 7 == 0 else "Normal"),
              "ms.collection:"] + ["- " + c for c in self.collections] + \
             ["ms.custom:"] + ['- "%s"' % c for c in self.custom]
        if self.uid:
            fm.append("uid: " + self.uid)
        if translated:
            lc, _, rc = locale.partition("-")
            fm += ["ms.openlocfilehash: " + self.hashes[0], "ms.sourcegitcommit: " + self.hashes[1],
                   "ms.translationtype: " + ("MT" if self.mt else "HT"),
                   "ms.contentlocale: %s-%s" % (lc, rc.upper()),
                   "ms.lasthandoff: %02d/%02d/%d" % (self.month, min(self.day + 1, 28), self.year),
                   'ms.locfileid: "%d"' % (self.locfileid + li)]
        fm.append("---")

        def head(level, toks, slug):
            text = lang.render(toks)
            # Links use English slugs: a heading not written in English keeps
            # its English ID in an anchor (as Microsoft's localized docs do).
            anchor = '<a name="%s"></a>' % slug if translated or lang is not EN else ""
            return "#" * level + " " + anchor + text

        host = "https://%s/%s/section-%d/article-%d" % ((HOST, locale) + (self.host_target or (0, 0)))
        parts = [head(1, self.title, heading_slug(self.title))]
        parts += [render_block(b, lang) for b in self.intro]
        for level, toks, slug, blocks in self.sections:
            parts.append(head(level, toks, slug))
            parts += [render_block(b, lang) for b in blocks]
        if broken_target:
            at = 2 + self.rng.randrange(len(parts) - 1)  # a paragraph of its own
            parts.insert(at, lang.render([("ph", "also"), ("link", self.extra_words[:3], broken_target), (".",)]))
        return "\n".join(fm) + "\n" + "\n\n".join(parts).replace("@host", host) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--articles", type=int, default=1000, help="articles per locale")
    ap.add_argument("--locales", default="en-us,nl-nl", help="comma-separated; the first is the source")
    ap.add_argument("--broken", type=int, default=0, help="links to break on purpose")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--words", choices=("syllables", "real"), default="syllables",
                    help="real: Dutch and Japanese in real words with compounds (search benchmarks)")
    args = ap.parse_args()

    out, n, seed = args.out_dir, args.articles, args.seed
    locales = [l.strip().lower() for l in args.locales.split(",") if l.strip()]
    if n < 2 or not locales:
        sys.exit("need --articles >= 2 and at least one locale")
    if not 0 <= args.broken <= n * len(locales):
        sys.exit("--broken must be between 0 and the number of files")

    real = args.words == "real"
    langs = {lang_of(l, real): None for l in locales}
    for code in langs:
        langs[code] = EN if code == "en" else Lang(code, real)
    cum, acc = [], 0.0
    for r in range(VOCAB_SIZE):  # Zipf-like word frequencies
        acc += 1.0 / (r + 1)
        cum.append(acc)

    # Articles are numbered 0..n-1 and live at (section, j), 1-based.
    place = [(i // SECTION_SIZE + 1, i % SECTION_SIZE + 1) for i in range(n)]
    plans = [heading_plan(seed, i, cum) for i in range(n)]

    ids = [str(x) for x in random.Random("%s:ids" % seed).sample(range(1000, 99999999), 3 * n)]

    # Which files get a broken link, and of what kind.
    rng = random.Random("%s:broken" % seed)
    broken_at = {}
    for k, f in enumerate(rng.sample(range(n * len(locales)), args.broken)):
        broken_at[(locales[f // n], f % n)] = ("missing-file", "missing-anchor", "case-mismatch")[k % 3]

    out.mkdir(parents=True, exist_ok=True)
    toml = ['title = "Bench"', 'base_url = "https://%s/"' % HOST, 'source_locale = "%s"' % locales[0],
            'hosts = ["%s"]' % HOST]
    names = {"en": "English", "nl": "Nederlands", "ja": "日本語"}
    for l in locales:
        toml += ["", "[locales.%s]" % l, 'name = "%s"' % names.get(lang_of(l, real), l)]
    (out / "polydoc.toml").write_text("\n".join(toml) + "\n")

    theme_src = Path(__file__).resolve().parent.parent / "themes" / "default"
    theme_dst = out / "themes" / "default"
    shutil.rmtree(theme_dst, ignore_errors=True)
    if theme_src.is_dir():
        shutil.copytree(theme_src, theme_dst)
    else:
        print("gen_site: warning: %s not found, no theme copied" % theme_src, file=sys.stderr)
    shutil.rmtree(out / "articles", ignore_errors=True)
    (out / "broken.json").unlink(missing_ok=True)

    broken = []
    for i in range(n):
        article = Article(seed, i, n, place, plans, cum, ids[3 * i:3 * i + 3])
        for li, loc in enumerate(locales):
            kind = broken_at.get((loc, i))
            target = article.broken_target(kind) if kind else None
            text = article.render(langs[lang_of(loc, real)], loc, li, target)
            path = Path("articles", loc, "section-%d" % place[i][0], "article-%d.md" % place[i][1])
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(text, encoding="utf-8")
            if target:
                line = text.count("\n", 0, text.index("](%s)" % target)) + 1
                broken.append({"file": path.as_posix(), "line": line, "target": target, "kind": kind})
    if args.broken:
        (out / "broken.json").write_text(json.dumps(broken, indent=1) + "\n")
    print("gen_site: %d articles x %d locales, %d broken links -> %s" % (n, len(locales), len(broken), out))


if __name__ == "__main__":
    main()
