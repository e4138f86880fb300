#!/bin/sh
# tests/cli/test-cli.sh — tests of the shipest command and the example
# programs (make check-examples).
#
#   sh tests/cli/test-cli.sh BIN/shipest EXAMPLES_DIR
#
# Checks exit statuses (0 success, 1 model/table/claim error, 2 usage),
# --help of every subcommand, the JSON schema (python3 json), the SVG's
# well-formedness and elements (python3 xml.etree), CSV shapes, convert,
# claim and table output, file:line:col of a bad model, Ctrl-C, and that
# each example program runs and exits 0.
SHIPEST=${1:-bin/shipest}
EXAMPLES=${2:-build/examples}
PY=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/shipest-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS DESCRIPTION -- COMMAND...: run it, stdout to $T/out and
# stderr to $T/err, and compare the exit status.
expect() {
    want=$1; what=$2; shift 3
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "$what: exit $got, expected $want"; sed 's/^/    stderr: /' "$T/err" | head -5
    fi
}
# has FILE PATTERN DESCRIPTION: FILE contains PATTERN (grep -E).
has() {
    if grep -Eq -- "$2" "$1"; then ok; else bad "$3: no '$2' in $(basename "$1")"; head -5 "$1" | sed 's/^/    /'; fi
}

[ -x "$SHIPEST" ] || { echo "test-cli: $SHIPEST not built"; exit 1; }
command -v "$PY" > /dev/null 2>&1 || { echo "test-cli: $PY is needed"; exit 1; }

MODEL='containers = quantiles(5%: 28112, 50%: 29400, 95%: 33040, lower: 28000) container @ "ROK DIA via Bloomberg, Jul 2025"
rounds = containers -> round_152mm
per_year = rounds / (22 to 25 month) -> round_152mm/year'
printf '%s\n' "$MODEL" > "$T/model.shipest"

# ---- usage and help ----------------------------------------------------------
expect 2 "no command" -- "$SHIPEST"
expect 2 "unknown command" -- "$SHIPEST" frobnicate
has "$T/err" "unknown command" "unknown command message"
expect 0 "--help" -- "$SHIPEST" --help
has "$T/out" "usage: shipest COMMAND" "top-level help"
expect 0 "--version" -- "$SHIPEST" --version
has "$T/out" "^shipest [0-9]+\.[0-9]+\.[0-9]+" "version line"
for c in run eval convert claim "table"; do
    expect 0 "$c --help" -- "$SHIPEST" $c --help
    has "$T/out" "^(usage:)? +shipest $c( |$)" "$c --help"
done
expect 2 "run without a file" -- "$SHIPEST" run
expect 2 "run with two files" -- "$SHIPEST" run a b
expect 2 "bad --trials" -- "$SHIPEST" run --trials ten "$T/model.shipest"
has "$T/err" "--trials" "bad --trials message"
has "$T/err" "^Try 'shipest run --help'\.$" "usage error hint"
expect 2 "--trials 0" -- "$SHIPEST" run --trials 0 "$T/model.shipest"
expect 2 "bad --format" -- "$SHIPEST" run --format xml "$T/model.shipest"
expect 2 "bad --adaptive" -- "$SHIPEST" run --adaptive 9 "$T/model.shipest"
expect 2 "unknown option" -- "$SHIPEST" run --frobnicate "$T/model.shipest"
expect 2 "option without value" -- "$SHIPEST" run "$T/model.shipest" --seed
expect 2 "--samples with --format json" -- "$SHIPEST" run --samples --format json "$T/model.shipest"
expect 2 "convert with one argument" -- "$SHIPEST" convert '6,700 container'
expect 2 "table without action" -- "$SHIPEST" table
expect 2 "table check without file" -- "$SHIPEST" table check
expect 2 "bad --method" -- "$SHIPEST" run --method magic "$T/model.shipest"

# ---- run and eval: text --------------------------------------------------------
expect 0 "run text" -- "$SHIPEST" run --trials 20000 --quiet "$T/model.shipest"
has "$T/out" "^rounds \(round_152mm\)" "text: output heading with unit"
has "$T/out" "mean +[0-9,]+ round_152mm" "text: mean with unit"
has "$T/out" "90% +[0-9,]+ to [0-9,]+ round_152mm" "text: 90% interval"
has "$T/out" "drivers +container_20ft.usable" "text: drivers"
has "$T/out" "payload_20ft_24t \[[0-9]+\]" "text: factors with source numbers"
has "$T/out" "^Sources" "text: sources list"
has "$T/out" "ROK DIA via Bloomberg" "text: input source"
has "$T/out" "20,000 trials, seed 1" "text: trials and seed"
[ -s "$T/err" ] && bad "--quiet run wrote to stderr" || ok
expect 0 "run from stdin" -- sh -c "\"$SHIPEST\" run --trials 5000 - < \"$T/model.shipest\""
has "$T/out" "^per_year" "stdin model"
expect 0 "eval" -- "$SHIPEST" eval 'x = 10 to 20 t -> kg' --trials 5000 --seed 7
has "$T/out" "^x \(kg\)" "eval output"
has "$T/out" "seed 7" "eval seed"
expect 0 "threads give the same result" -- "$SHIPEST" run --trials 30000 --threads 3 --format csv "$T/model.shipest"
cp "$T/out" "$T/threads3.csv"
expect 0 "one thread" -- "$SHIPEST" run --trials 30000 --threads 1 --format csv "$T/model.shipest"
cmp -s "$T/out" "$T/threads3.csv" && ok || bad "results differ between 1 and 3 threads"
expect 0 "adaptive" -- "$SHIPEST" run --adaptive 2 --trials 400000 "$T/model.shipest"
has "$T/out" "adaptive" "adaptive run is reported"
expect 0 "max-memory sketches" -- "$SHIPEST" run --trials 200000 --max-memory 1 --quiet "$T/model.shipest"
has "$T/out" "sketch" "sketched run says so"
expect 1 "samples of a sketched run" -- "$SHIPEST" run --trials 200000 --max-memory 1 --samples --quiet "$T/model.shipest"

# ---- the worked example (make demo) ---------------------------------------------------
if [ -f examples/models/seed.shipest ]; then
    expect 0 "seed model" -- "$SHIPEST" run --trials 20000 --prob 'share > 40%' examples/models/seed.shipest
    has "$T/out" "^containers \(container\)" "seed: containers"
    has "$T/out" "^share$" "seed: share"
    has "$T/out" "^troops \(person\)" "seed: troops"
    has "$T/out" "^  P\(share > 40%\) = " "seed: P(share > 40%)"
fi

# ---- probabilities -----------------------------------------------------------------
printf '%s\nshare = per_year / (10,000 to 45,000 round_152mm/day)\n' "$MODEL" > "$T/share.shipest"
expect 0 "--prob" -- "$SHIPEST" run --trials 20000 --prob 'share > 40%' --prob 'rounds < 9,000,000' "$T/share.shipest"
has "$T/out" "^  P\(share > 40%\) = 0\.[0-9]{3}  \(0\.[0-9]+\)" "P(share > 40%)"
has "$T/out" "^  P\(rounds < 9,000,000 round_152mm\) = 0\.[0-9]{3}" "P(rounds < x)"
expect 2 "--prob without an operator" -- "$SHIPEST" run --prob 'share 40%' "$T/share.shipest"
expect 2 "--prob of an unknown output" -- "$SHIPEST" run --trials 1000 --prob 'nothing > 1' "$T/share.shipest"
expect 2 "--prob with csv" -- "$SHIPEST" run --prob 'share > 40%' --format csv "$T/share.shipest"
expect 2 "--prob with --samples" -- "$SHIPEST" run --prob 'share > 40%' --samples "$T/share.shipest"

# ---- errors with file:line:col ---------------------------------------------------
printf 'a = 1 to 2 t\nb = a + 3 round_152mm\n' > "$T/bad.shipest"
expect 1 "bad model" -- "$SHIPEST" run "$T/bad.shipest"
has "$T/err" "bad\.shipest:2:[0-9]+: " "bad model: file:line:col"
[ -s "$T/out" ] && bad "bad model wrote to stdout" || ok
expect 1 "bad eval" -- "$SHIPEST" eval 'x = 1 to'
has "$T/err" "<eval>:1:[0-9]+: " "bad eval: line:col"
expect 1 "missing file" -- "$SHIPEST" run "$T/does-not-exist.shipest"
expect 1 "unknown unit" -- "$SHIPEST" eval 'x = 5 widgetz'
has "$T/err" ":1:[0-9]+: " "unknown unit: line:col"

# ---- JSON ------------------------------------------------------------------------
expect 0 "json" -- "$SHIPEST" run --trials 20000 --seed 3 --format json "$T/model.shipest"
cat > "$T/schema.py" <<'PYEOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
assert d["trials"] == 20000 and d["seed"] == 3, (d["trials"], d["seed"])
assert isinstance(d["outputs"], list) and len(d["outputs"]) == 3
for o in d["outputs"]:
    for k in ("name", "unit", "mean", "sd", "p05", "p50", "p95", "interval90",
              "sensitivity", "factors"):
        assert k in o, "missing key " + k
    assert isinstance(o["name"], str) and isinstance(o["unit"], str)
    lo, hi = o["interval90"]
    assert o["p05"] <= o["p50"] <= o["p95"], o["name"]
    assert lo == o["p05"] and hi == o["p95"]
    assert o["sd"] > 0
    for s in o["sensitivity"]:
        assert set(("input", "share")) <= set(s) and 0 <= s["share"] <= 1
    assert abs(sum(s["share"] for s in o["sensitivity"]) - 1) < 1e-9
    for f in o["factors"]:
        assert set(("name", "source")) <= set(f) and isinstance(f["source"], str)
r = {o["name"]: o for o in d["outputs"]}
assert r["rounds"]["unit"] == "round_152mm"
assert any(f["name"] == "payload_20ft_24t" for f in r["rounds"]["factors"])
assert r["containers"]["factors"] == []
PYEOF
"$PY" "$T/schema.py" "$T/out" && ok || bad "JSON schema"
# Non-finite values are null, and strings are escaped.
expect 0 "json with nan and quotes" -- "$SHIPEST" eval 'z = 0 to 1 @ "a \"quoted\" source"
w = log(z - z)' --trials 2000 --format json
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); w=[o for o in d["outputs"] if o["name"]=="w"][0]; assert w["mean"] is None, w["mean"]' "$T/out" && ok || bad "JSON: NaN as null"
# Shares, compares, P statements, --prob and --method all: the JSON says
# what the text says (docs/cli.md), with the same numbers.
printf '%s\ndemand = 10,000 to 45,000 round_152mm/day -> round_152mm/year\nshare = share(per_year, demand)\nother = 9,000,000 to 14,000,000 round_152mm\nc = compare(rounds, other)\nP(share > 40%%)\n' "$MODEL" > "$T/full.shipest"
expect 0 "json --prob --method all" -- "$SHIPEST" run --trials 20000 --seed 5 --format json --prob 'share > 50%' --prob 'rounds < 9,000,000' --method all "$T/full.shipest"
cp "$T/out" "$T/full.json"
"$PY" -m json.tool "$T/full.json" > /dev/null && ok || bad "JSON with extras: json.tool"
expect 0 "text --prob --method all" -- "$SHIPEST" run --trials 20000 --seed 5 --prob 'share > 50%' --method all "$T/full.shipest"
cp "$T/out" "$T/full.txt"
cat > "$T/extras.py" <<'PYEOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
out = {o["name"]: o for o in d["outputs"]}
# Every output keeps the stable keys.
for o in d["outputs"]:
    for k in ("name", "unit", "mean", "sd", "p05", "p50", "p95", "interval90", "sensitivity", "factors"):
        assert k in o, (o["name"], k)
# A share: P(share > 100%) as the text rounds it.
sh = out["share"]["share"]
assert set(sh) >= {"p_over_100", "se", "words", "negative", "warning"}, sh
assert 0 <= sh["p_over_100"] <= 1 and sh["se"] > 0 and sh["warning"] is None
m = re.search(r"P\(share > 100%\) = ([0-9.]+) \(([^)]*)\): (.*)", text)
assert m and float(m.group(1)) == round(sh["p_over_100"], 3) and m.group(3) == sh["words"], (m and m.groups(), sh)
assert "share" not in out["rounds"] and "compare" not in out["share"]
# A compare: agreement within 10%, 25%, 50%.
ag = out["c"]["compare"]["agreement"]
assert [a["tolerance"] for a in ag] == [0.1, 0.25, 0.5], ag
for a in ag:
    assert 0 <= a["p_agree"] <= 1 and a["se"] >= 0 and isinstance(a["words"], str)
    assert a["verdict"].startswith("the two estimates agree within"), a
    pct = "%2.0f%%" % (100 * a["tolerance"])
    m = re.search(r"within %s with probability ([0-9.]+) \(" % re.escape(pct), text)
    assert m and float(m.group(1)) == round(a["p_agree"], 3), (pct, m and m.group(1), a)
# Probability statements: the model's, then --prob's.
ps = d["probabilities"]
assert [(p["text"], p["origin"]) for p in ps] == [("share > 40%", "model"), ("share > 50%", "caller"), ("rounds < 9,000,000", "caller")], ps
for p in ps:
    assert set(p) >= {"text", "output", "above", "threshold", "p", "se", "words", "origin"}, p
    assert 0 <= p["p"] <= 1 and p["se"] >= 0 and isinstance(p["words"], str)
assert ps[1]["output"] == "share" and ps[1]["above"] is True and ps[1]["threshold"] == 0.5
assert ps[2]["output"] == "rounds" and ps[2]["above"] is False and ps[2]["threshold"] == 9e6
for p in ps[:2]:
    m = re.search(r"P\(%s\) = ([0-9.]+)" % re.escape(p["text"]), text)
    assert m and float(m.group(1)) == round(p["p"], 3), (p, m and m.group(1))
# --method all: three analyses, each compared at 2 digits, one entry per output.
an = d["analytic"]
assert [a["method"] for a in an] == ["linear", "log", "bounds"], [a["method"] for a in an]
for a in an:
    assert a["digits"] == 2 and a["trustworthy"] in (True, False), a["method"]
    assert [o["name"] for o in a["outputs"]] == [o["name"] for o in d["outputs"]]
    word = "trustworthy for every output" if a["trustworthy"] else "NOT trustworthy for every output"
    for o in a["outputs"]:
        for k in ("name", "unit", "flags", "reason", "mean", "sd", "p05", "p95", "interval90", "comparison"):
            assert k in o, (a["method"], o["name"], k)
        c = o["comparison"]
        assert c["verdict"] in ("holds", "fails", "inconclusive", "no_answer"), c
        assert c["text"].startswith(o["name"] + ": "), c["text"]
        if "unavailable" not in o["flags"] and a["method"] != "bounds":
            assert o["mean"] is not None and o["sd"] >= 0 and o["interval90"] == [o["p05"], o["p95"]]
lin = {o["name"]: o for o in an[0]["outputs"]}
assert lin["rounds"]["budget"] and all(set(b) >= {"input", "sensitivity", "u", "share"} for b in lin["rounds"]["budget"])
assert "bounds" in an[2]["outputs"][0] and "probability" in an[2]["outputs"][0]
assert "log_mu" in an[1]["outputs"][0]
# The text prints the same verdicts.
verdicts = [m.group(1) is None for m in re.finditer(r"compared with Monte Carlo \(2 significant digits\): (NOT )?trustworthy", text)]
assert verdicts == [a["trustworthy"] for a in an], (verdicts, [a["trustworthy"] for a in an])
PYEOF
"$PY" "$T/extras.py" "$T/full.json" "$T/full.txt" && ok || bad "JSON: shares, compares, probabilities, analytic"
# --method linear alone: Monte Carlo outputs as always, plus one analysis.
expect 0 "json --method linear" -- "$SHIPEST" run --trials 5000 --format json --method linear "$T/model.shipest"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["method"] == "mc" and len(d["outputs"]) == 3 and [a["method"] for a in d["analytic"]] == ["linear"] and d["probabilities"] == []' "$T/out" && ok || bad "JSON: --method linear"
# Without --prob or --method: the model's statement only, no analyses.
expect 0 "json of a model with a P statement" -- "$SHIPEST" run --trials 5000 --format json "$T/full.shipest"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["analytic"] == [] and [p["origin"] for p in d["probabilities"]] == ["model"]' "$T/out" && ok || bad "JSON: model statement only"

# ---- CSV ---------------------------------------------------------------------------
expect 0 "csv" -- "$SHIPEST" run --trials 5000 --format csv "$T/model.shipest"
has "$T/out" "^output,unit,mean,sd,se_mean,p05,p50,p95,interval90_lo,interval90_hi" "csv header"
[ "$(wc -l < "$T/out")" -eq 4 ] && ok || bad "csv: expected a header and 3 rows"
expect 0 "samples" -- "$SHIPEST" run --trials 1000 --samples "$T/model.shipest"
has "$T/out" "^sample,containers,rounds,per_year" "samples header"
[ "$(wc -l < "$T/out")" -eq 1001 ] && ok || bad "samples: expected 1001 lines"
"$PY" -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1]))); assert all(len(r)==4 for r in rows); [float(x) for r in rows[1:] for x in r]' "$T/out" && ok || bad "samples: numbers"

# ---- SVG ---------------------------------------------------------------------------
expect 0 "svg" -- "$SHIPEST" run --trials 20000 --svg "$T/plot.svg" "$T/model.shipest"
cat > "$T/svg.py" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
groups = [g for g in root.iter(ns + "g") if g.get("class") == "output"]
assert [g.get("data-name") for g in groups] == ["containers", "rounds", "per_year"]
for g in groups:
    cls = [e.get("class") for e in g.iter()]
    for want in ("bar", "median", "p05", "p95", "axis-label", "sens-bar"):
        assert want in cls, (g.get("data-name"), want)
rounds = groups[1]
labels = [e.text for e in rounds.iter(ns + "text") if e.get("class") == "axis-label"]
assert labels == ["round_152mm"], labels
PYEOF
"$PY" "$T/svg.py" "$T/plot.svg" && ok || bad "SVG structure"
expect 1 "svg to an unwritable path" -- "$SHIPEST" run --trials 1000 --svg "$T/no/such/dir/x.svg" "$T/model.shipest"

# ---- method ------------------------------------------------------------------------
expect 0 "--method mc" -- "$SHIPEST" run --trials 1000 --method mc "$T/model.shipest"
expect 0 "--method linear" -- "$SHIPEST" run --trials 20000 --method linear "$T/model.shipest"
has "$T/out" "^Analytic propagation: linear" "linear section"
has "$T/out" "compared with Monte Carlo" "linear verdict"
expect 0 "--method all" -- "$SHIPEST" run --trials 20000 --method all "$T/model.shipest"
has "$T/out" "^Analytic propagation: log-space" "all: log section"
has "$T/out" "^Analytic propagation: bounds" "all: bounds section"
expect 2 "--method linear with csv" -- "$SHIPEST" run --method linear --format csv "$T/model.shipest"

# ---- convert -------------------------------------------------------------------------
expect 0 "convert" -- "$SHIPEST" convert '6,700 container' round_152mm
has "$T/out" "^6,700 container \(exact\) -> round_152mm" "convert heading"
has "$T/out" "load plan container_20ft -> round_152mm" "convert route"
has "$T/out" "binding constraint.*mass" "convert binding constraint"
has "$T/out" "payload_20ft_24t: 1 container_20ft = uniform" "convert factor"
has "$T/out" "source +ISO" "convert source"
expect 0 "convert via a named route" -- "$SHIPEST" convert '6,700 container' round_152mm --via iso_30t
has "$T/out" "payload_20ft_30t" "convert --via uses the named factor"
expect 0 "convert a claim" -- "$SHIPEST" convert 'more than 28,000 container' t
expect 0 "convert a distribution" -- "$SHIPEST" convert 'uniform(20, 24) t' kg
has "$T/out" "mean +22,000 kg" "convert distribution mean"
expect 1 "convert to an unknown unit" -- "$SHIPEST" convert '6,700 container' widgetz
expect 1 "convert without a route" -- "$SHIPEST" convert '5 person' t

# ---- claim ---------------------------------------------------------------------------
expect 0 "claim" -- "$SHIPEST" claim 'more than 28,000 container'
has "$T/out" "more_than" "claim: hedge named"
has "$T/out" "median +29,400 container" "claim: median"
expect 0 "claim --share" -- "$SHIPEST" claim --share 'as much as 40%'
expect 1 "bad claim" -- "$SHIPEST" claim 'roughly maybe lots'
[ -s "$T/err" ] && ok || bad "bad claim: no message"
# A user table's `override hedge` changes claims in `claim` and in models.
cat > "$T/house.stbl" <<'EOF'
shipest-table 1
override hedge more_than
    phrases "more than" "over" "exceeds" "exceeding" "in excess of"
    shape quantiles
    support 1 inf
    quantiles 0.05: 1.01 1.15 1.5
    reason "house reading"
EOF
expect 0 "claim --table with a hedge override" -- "$SHIPEST" claim --table "$T/house.stbl" 'more than 28,000 container'
has "$T/out" "median +32,200 container" "claim: overridden hedge"
printf 'c = more than 28,000 container\n' > "$T/hedged.shipest"
expect 0 "run --table with a hedge override" -- "$SHIPEST" run --quiet --trials 20000 --format json --table "$T/house.stbl" "$T/hedged.shipest"
"$PY" -c 'import json,sys; o=json.load(open(sys.argv[1]))["outputs"][0]; sys.exit(0 if 31500 < o["p50"] < 33000 else 1)' "$T/out" && ok || bad "run: overridden hedge not applied"

# ---- table ---------------------------------------------------------------------------
expect 0 "table list" -- "$SHIPEST" table list
has "$T/out" "^Item kinds" "table list: kinds"
has "$T/out" "container_20ft" "table list: container kind"
has "$T/out" "^Conversion factors" "table list: factors"
has "$T/out" "payload_20ft_24t: 1 container_20ft = uniform\(21.6, 21.85\) t" "table list: factor line"
has "$T/out" "source +ISO" "table list: sources"
printf 'shipest-table 1\nkind widget "a test widget"\nfactor widget_mass: 1 widget = uniform(1, 2) kg\n    source "test fixture"\n    date "2026"\n    confidence "D: made up for the test"\n' > "$T/good.stbl"
printf 'shipest-table 1\nkind widget "a test widget"\nfactor widget_mass: 1 widget = uniform(1, 2) kgg\n' > "$T/bad.stbl"
expect 0 "table check good" -- "$SHIPEST" table check "$T/good.stbl"
has "$T/out" "good\.stbl: OK .*kinds 1.*factors 1" "table check summary"
expect 1 "table check bad" -- "$SHIPEST" table check "$T/bad.stbl"
has "$T/err" "bad\.stbl:3:[0-9]+: " "table check: file:line:col"
expect 0 "table list with a user table" -- "$SHIPEST" table list "$T/good.stbl"
has "$T/out" "widget_mass" "table list shows the user table"
expect 0 "--table for run" -- "$SHIPEST" eval 'm = 3 widget -> kg' --table "$T/good.stbl" --trials 2000
expect 1 "--table with a bad file" -- "$SHIPEST" eval 'x = 1 t' --table "$T/bad.stbl"

# ---- Ctrl-C -------------------------------------------------------------------------
# A long run in the background gets SIGINT once its handler is installed
# (Linux: SigCgt in /proc) and must stop cleanly with status 130.
"$SHIPEST" eval 'x = 1 to 2 t' --trials 1000000000 --max-memory 1 > "$T/out" 2> "$T/err" &
pid=$!
caught=0
i=0
while [ $i -lt 300 ] && kill -0 "$pid" 2> /dev/null; do
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2> /dev/null)
    if [ -n "$mask" ] && [ $(( 0x$mask & 2 )) -ne 0 ]; then caught=1; break; fi
    sleep 0.1; i=$((i + 1))
done
[ "$caught" -eq 1 ] && ok || bad "Ctrl-C: the SIGINT handler was never installed"
sleep 0.3
kill -INT "$pid" 2> /dev/null
i=0
while [ $i -lt 300 ] && kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid" 2> /dev/null
    bad "Ctrl-C: the run did not stop within 30 s"
fi
wait "$pid"
got=$?
[ "$got" -eq 130 ] && ok || bad "Ctrl-C: exit $got, expected 130"
has "$T/err" "cancelled" "Ctrl-C message"

# ---- example programs ------------------------------------------------------------------
for e in "$EXAMPLES"/estimate "$EXAMPLES"/convert "$EXAMPLES"/share; do
    expect 0 "example $(basename "$e")" -- "$e"
    [ -s "$T/out" ] && ok || bad "example $(basename "$e") printed nothing"
done

# ---- supply() and days_of_supply() -------------------------------------------------
expect 0 "supply model" -- "$SHIPEST" run --trials 20000 --prob 'mix.dprk > 40%' examples/models/supply.shipest
has "$T/out" "^mix\.dprk$" "supply: a supplier's share"
has "$T/out" "^mix\.remainder$" "supply: the remainder"
has "$T/out" "P\(share > 100%\) = [01]\.[0-9]+ .*that the suppliers together exceed demand" "supply: P(total > 100%)"
has "$T/out" "^  P\(mix\.remainder < 0\) = " "supply: a P line of a dotted name"
has "$T/out" "^months \(month\)$" "days_of_supply -> month"
has "$T/out" "P\(mix\.dprk > 40%\) = 0\.[0-9]+ +\(" "supply: --prob with a dotted name"
printf 'd = 10 t\nx = supply(d, 2 t)\n' > "$T/nolabel.shipest"
expect 1 "supply without a label" -- "$SHIPEST" run "$T/nolabel.shipest"
has "$T/err" "nolabel\.shipest:2:15: .*give this supplier a label" "supply: label asked for at its place"

echo "check-examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
